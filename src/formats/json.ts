import type { LineBatch } from '../core/batch.js';
import { decodeText } from '../core/text.js';
import { Instant, type Value } from '../core/value.js';
import { splitRequestText, type RequestPart, REQUEST_PARTS } from './access/request-line.js';
import { lookupChain, NUMERIC_CANONICAL } from './aliases.js';
import { exactNumberFromText, numberFromText } from './bytes.js';
import { LINE_FIELD, type FieldReader, type FieldType, type LogFormat, type RowParser } from '../core/format.js';
import { LINE_READER } from './line-field.js';
import { newTimeOut } from './time/civil.js';
import { epochToTime, LooseTimeParser } from './time/time-text.js';

/**
 * `json`: one JSON object per line (JSON lines / NDJSON). Each line goes through JSON.parse;
 * nested objects are flattened to dotted keys (`{"a":{"b":1}}` has `a.b`), arrays are kept as
 * their JSON text. The flattened objects of a batch are kept per row in `batch.parsed`.
 *
 * Canonical names answer from common aliases when the key itself is absent (aliases.ts), the
 * parts of an access log's request (method, url, path, query, protocol) are derived from a
 * `request` key, and `time` is read from time/timestamp/@timestamp/ts as ISO-8601, CLF or epoch
 * seconds / milliseconds. Any other name reads that key; null when absent.
 */
type JsonScalar = string | number | bigint | boolean | null;
type FlatRecord = Record<string, JsonScalar>;

/** What json's parse() stores in batch.parsed: the flattened record of each row, by row. */
export interface JsonState {
  records: (FlatRecord | undefined)[];
}

export const jsonFormat: LogFormat = {
  name: 'json',
  fields: null,
  parser(): RowParser {
    return new JsonParser(jsonFormat);
  },
};

/** A JSON-lines parser that reports `format` as its own (xml: formats read their records as JSON lines). */
export function jsonLinesParser(format: LogFormat): RowParser {
  return new JsonParser(format);
}

class JsonParser implements RowParser {
  private readonly state: JsonState = { records: [] };

  constructor(readonly format: LogFormat) {}

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const records = this.state.records;
    const { buf, starts, ends, sel } = b;
    const selCount = b.selCount;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      const record = parseLine(buf, starts[row], ends[row]);
      records[row] = record;
      if (record) sel[kept++] = row;
      else onMalformed(row);
    }
    b.selCount = kept;
    b.parsed = this.state;
    b.parser = this;
  }

  reader(field: string): FieldReader {
    if (field === LINE_FIELD.name) return LINE_READER;
    if (field === 'time') return new JsonTimeReader();
    if ((REQUEST_PARTS as readonly string[]).includes(field)) return new JsonRequestPartReader(field as RequestPart);
    return new JsonKeyReader(field);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const record = recordOf(b, row);
    return record ? { ...record } : {};
  }
}

/**
 * Objects nested deeper than this make the line malformed. Real logs nest a few levels; a hostile
 * line nested thousands deep would otherwise cost a stack overflow in flattening (JSON.parse
 * itself is iterative in V8, JSON.stringify is not).
 */
export const MAX_JSON_DEPTH = 256;

/** Sixteen digits in a row: a number that may be past 2^53, worth the careful parse. */
const LONG_DIGITS = /\d{16}/;

function parseLine(buf: Buffer, s: number, e: number): FlatRecord | undefined {
  // Skip leading blanks; anything but an object is not a record.
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  if (s >= e || buf[s] !== 0x7b) return undefined;
  const text = decodeText(buf, s, e);
  let parsed: unknown;
  try {
    parsed = LONG_DIGITS.test(text) ? parseWithExactIntegers(text) : JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const flat: FlatRecord = Object.create(null) as FlatRecord;
  return flatten(parsed as Record<string, unknown>, '', flat, 1) ? flat : undefined;
}

/** Flattens nested objects into dotted keys; false when nesting passes MAX_JSON_DEPTH. */
function flatten(object: Record<string, unknown>, prefix: string, out: FlatRecord, depth: number): boolean {
  if (depth > MAX_JSON_DEPTH) return false;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const name = prefix + key;
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) {
        if (!withinDepth(value, depth + 1)) return false;
        out[name] = JSON.stringify(value, bigintAsDigits);
      } else if (!flatten(value as Record<string, unknown>, `${name}.`, out, depth + 1)) {
        return false;
      }
    } else {
      out[name] = value as JsonScalar;
    }
  }
  return true;
}

/** True when no array or object inside `value` (itself at `depth`) nests past MAX_JSON_DEPTH. */
function withinDepth(value: object, depth: number): boolean {
  const stack: [object, number][] = [[value, depth]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > MAX_JSON_DEPTH) return false;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child as object, d + 1]);
    }
  }
  return true;
}

function bigintAsDigits(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * JSON.parse, but integers beyond 2^53 come out as exact bigints instead of rounded doubles
 * (Node 20's JSON.parse cannot show a reviver the source text). Integer tokens outside strings
 * that are not safe integers are rewritten as marked strings, parsed, then revived as bigints.
 */
function parseWithExactIntegers(text: string): unknown {
  let rewritten = '';
  let copied = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = j < text.length ? text.charCodeAt(j) : 0;
    const isInteger = next !== 0x2e && next !== 0x65 && next !== 0x45;
    const token = text.slice(i, j);
    if (isInteger && /^-?[1-9]\d*$/.test(token) && !Number.isSafeInteger(Number(token))) {
      rewritten += text.slice(copied, i) + `"\\u0000bigint:${token}"`; // a NUL no log writes raw
      copied = j;
    }
    i = j - 1;
  }
  if (copied === 0) return JSON.parse(text);
  return JSON.parse(rewritten + text.slice(copied), reviveBigint);
}

const BIGINT_MARK = '\u0000bigint:';

function reviveBigint(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(BIGINT_MARK) ? BigInt(value.slice(BIGINT_MARK.length)) : value;
}

function recordOf(b: LineBatch, row: number): FlatRecord | undefined {
  return (b.parsed as JsonState).records[row];
}

/** The first present key of the chain (the name, then its aliases); undefined when none. */
function lookup(record: FlatRecord | undefined, chain: readonly string[]): JsonScalar | undefined {
  if (!record) return undefined;
  for (const key of chain) {
    const value = record[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

function scalarText(value: JsonScalar | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : String(value);
}

function scalarNumber(value: JsonScalar | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return numberFromText(value);
  return NaN;
}

class JsonKeyReader implements FieldReader {
  readonly type: FieldType = 'any';
  private readonly chain: readonly string[];
  private readonly numeric: boolean;

  constructor(readonly name: string) {
    this.chain = lookupChain(name);
    this.numeric = NUMERIC_CANONICAL.has(name);
  }

  str(b: LineBatch, row: number): string | undefined {
    return scalarText(lookup(recordOf(b, row), this.chain));
  }

  num(b: LineBatch, row: number): number {
    return scalarNumber(lookup(recordOf(b, row), this.chain));
  }

  value(b: LineBatch, row: number): Value {
    const value = lookup(recordOf(b, row), this.chain);
    if (value === undefined) return null;
    if (this.numeric && typeof value === 'string') {
      const n = exactNumberFromText(value);
      return n === n ? n : value;
    }
    return value;
  }
}

/** method/url/path/query/protocol: the key itself, else derived from `request` (or path/query from `url`). */
class JsonRequestPartReader implements FieldReader {
  readonly type: FieldType = 'string';
  private lastSource: string | undefined;
  private lastParts: Record<RequestPart, string> | undefined;

  constructor(readonly name: RequestPart) {}

  str(b: LineBatch, row: number): string | undefined {
    const record = recordOf(b, row);
    if (!record) return undefined;
    const own = record[this.name];
    if (own !== undefined) return scalarText(own);
    let source = record.request;
    let fromUrl = false;
    if (typeof source !== 'string' && (this.name === 'path' || this.name === 'query')) {
      source = record.url;
      fromUrl = true;
    }
    if (typeof source !== 'string') return undefined;
    // Derive once per distinct request text: consecutive readers (method, path...) share it.
    const key = fromUrl ? `GET ${source}` : source;
    if (key !== this.lastSource) {
      this.lastParts = splitRequestText(key);
      this.lastSource = key;
    }
    return (this.lastParts as Record<RequestPart, string>)[this.name];
  }

  num(b: LineBatch, row: number): number {
    const text = this.str(b, row);
    return text === undefined ? NaN : numberFromText(text);
  }

  value(b: LineBatch, row: number): Value {
    return this.str(b, row) ?? null;
  }
}

const TIME_CHAIN = lookupChain('time');

/** `time` as an Instant, from time/timestamp/@timestamp/ts; a one-entry cache per distinct text. */
class JsonTimeReader implements FieldReader {
  readonly name = 'time';
  readonly type: FieldType = 'time';
  private readonly parser = new LooseTimeParser();
  private readonly out = newTimeOut();
  private lastRaw: JsonScalar | undefined = undefined;
  private lastValid = false;

  private decode(b: LineBatch, row: number): boolean {
    const raw = lookup(recordOf(b, row), TIME_CHAIN);
    if (raw === this.lastRaw && raw !== undefined) return this.lastValid;
    this.lastRaw = raw;
    if (typeof raw === 'number' || typeof raw === 'bigint') this.lastValid = epochToTime(Number(raw), this.out);
    else if (typeof raw === 'string') this.lastValid = this.parser.parseText(raw, this.out);
    else this.lastValid = false;
    return this.lastValid;
  }

  str(b: LineBatch, row: number): string | undefined {
    return scalarText(lookup(recordOf(b, row), TIME_CHAIN));
  }

  num(b: LineBatch, row: number): number {
    return this.decode(b, row) ? this.out.ms : NaN;
  }

  value(b: LineBatch, row: number): Value {
    return this.decode(b, row) ? new Instant(this.out.ms, this.out.offsetMinutes) : null;
  }
}
