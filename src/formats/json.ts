import type { LineBatch } from '../core/batch.js';
import { Instant, type Value } from '../core/value.js';
import { splitRequestText, type RequestPart, REQUEST_PARTS } from './access/request-line.js';
import { lookupChain, NUMERIC_CANONICAL } from './aliases.js';
import { numberFromText } from './bytes.js';
import type { FieldReader, FieldType, LogFormat, RowParser } from './format.js';
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
type JsonScalar = string | number | boolean | null;
type FlatRecord = Record<string, JsonScalar>;

/** What json's parse() stores in batch.parsed: the flattened record of each row, by row. */
export interface JsonState {
  records: (FlatRecord | undefined)[];
}

export const jsonFormat: LogFormat = {
  name: 'json',
  fields: null,
  parser(): RowParser {
    return new JsonParser();
  },
};

class JsonParser implements RowParser {
  readonly format = jsonFormat;
  private readonly state: JsonState = { records: [] };

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
    if (field === 'time') return new JsonTimeReader();
    if ((REQUEST_PARTS as readonly string[]).includes(field)) return new JsonRequestPartReader(field as RequestPart);
    return new JsonKeyReader(field);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const record = recordOf(b, row);
    return record ? { ...record } : {};
  }
}

function parseLine(buf: Buffer, s: number, e: number): FlatRecord | undefined {
  // Skip leading blanks; anything but an object is not a record.
  while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
  if (s >= e || buf[s] !== 0x7b) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.toString('utf8', s, e));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const flat: FlatRecord = Object.create(null) as FlatRecord;
  flatten(parsed as Record<string, unknown>, '', flat);
  return flat;
}

function flatten(object: Record<string, unknown>, prefix: string, out: FlatRecord): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    const name = prefix + key;
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) out[name] = JSON.stringify(value);
      else flatten(value as Record<string, unknown>, `${name}.`, out);
    } else {
      out[name] = value as JsonScalar;
    }
  }
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
      const n = numberFromText(value);
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
    if (typeof raw === 'number') this.lastValid = epochToTime(raw, this.out);
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
