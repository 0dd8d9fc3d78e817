import type { LineBatch } from '../core/batch.js';
import { decodeText } from '../core/text.js';
import { Instant, type Value } from '../core/value.js';
import { lookupChain } from './aliases.js';
import { BACKSLASH, EQUALS, QUOTE, SPACE, TAB, exactIntegerAt, numberFromText, parseDecimal } from './bytes.js';
import { LINE_FIELD, type FieldReader, type FieldType, type LogFormat, type RowParser } from '../core/format.js';
import { LINE_READER } from './line-field.js';
import { newTimeOut } from './time/civil.js';
import { LooseTimeParser } from './time/time-text.js';

/**
 * `logfmt`: `key=value key2="quoted \"value\"" flag` lines (Heroku, Go kit, logrus text...).
 *
 * - A bare key (no `=`) is the boolean true.
 * - An unquoted value that is a number reads as a number; quoted values stay strings, since
 *   someone quoted them (`zip="01234"`).
 * - Quoted values unescape `\"`, `\\`, `\n`, `\t`, `\r`.
 * - The first token must be a `key=value` pair: that is what tells logfmt from free text that
 *   merely contains `a=b` somewhere.
 * - Canonical names answer from aliases (aliases.ts); `time` from time/timestamp/@timestamp/ts
 *   read as ISO-8601, CLF or epoch.
 *
 * parse() tokenises each line on bytes and stores the pairs' byte ranges (no strings); readers
 * find a key by comparing bytes. Readers offer no span(): a value with escapes is not its bytes.
 */
const FLAG_BARE = 1;
const FLAG_QUOTED = 2;
const FLAG_ESCAPED = 4;
/** Ints per pair in LogfmtState.pairs: key start, key end, value start, value end. */
const PAIR_INTS = 4;

/** What logfmt's parse() stores in batch.parsed. */
export class LogfmtState {
  /** Row -> index of its first pair, and number of pairs. */
  firstPair = new Int32Array(0);
  pairCount = new Int32Array(0);
  pairs = new Int32Array(0);
  flags = new Uint8Array(0);
  used = 0;

  ensureRows(rows: number): void {
    if (this.firstPair.length >= rows) return;
    this.firstPair = new Int32Array(Math.max(rows, 1024));
    this.pairCount = new Int32Array(this.firstPair.length);
  }

  /** Room for one more pair. */
  ensurePair(): void {
    if (this.used < this.flags.length) return;
    const capacity = Math.max(4096, this.flags.length * 2);
    const pairs = new Int32Array(capacity * PAIR_INTS);
    pairs.set(this.pairs);
    const flags = new Uint8Array(capacity);
    flags.set(this.flags);
    this.pairs = pairs;
    this.flags = flags;
  }
}

export const logfmtFormat: LogFormat = {
  name: 'logfmt',
  fields: null,
  parser(): RowParser {
    return new LogfmtParser();
  },
};

class LogfmtParser implements RowParser {
  readonly format = logfmtFormat;
  private readonly state = new LogfmtState();

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const state = this.state;
    state.ensureRows(b.count);
    state.used = 0;
    const { buf, starts, ends, sel } = b;
    const selCount = b.selCount;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      const first = state.used;
      if (tokenise(buf, starts[row], ends[row], state)) {
        state.firstPair[row] = first;
        state.pairCount[row] = state.used - first;
        sel[kept++] = row;
      } else {
        state.used = first;
        state.firstPair[row] = first;
        state.pairCount[row] = 0;
        onMalformed(row);
      }
    }
    b.selCount = kept;
    b.parsed = state;
    b.parser = this;
  }

  reader(field: string): FieldReader {
    if (field === LINE_FIELD.name) return LINE_READER;
    return field === 'time' ? new LogfmtTimeReader() : new LogfmtReader(field);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const state = b.parsed as LogfmtState;
    const out: Record<string, Value> = {};
    const first = state.firstPair[row];
    for (let i = first; i < first + state.pairCount[row]; i++) {
      const key = decodeText(b.buf, state.pairs[i * PAIR_INTS]!, state.pairs[i * PAIR_INTS + 1]!);
      // defineProperty: a key named __proto__ must stay a plain key.
      if (!Object.hasOwn(out, key)) {
        Object.defineProperty(out, key, { value: pairValue(b.buf, state, i), enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Appends the pairs of buf[s, e) to state; false when the line is not logfmt. */
function tokenise(buf: Buffer, s: number, e: number, state: LogfmtState): boolean {
  let p = s;
  let first = true;
  while (p < e) {
    while (p < e && isBlank(buf[p])) p++;
    if (p >= e) break;
    const keyStart = p;
    while (p < e && !isBlank(buf[p]) && buf[p] !== EQUALS && buf[p] !== QUOTE) p++;
    const keyEnd = p;
    if (keyEnd === keyStart) return false;
    let flags = 0;
    let valueStart = p;
    let valueEnd = p;
    if (p < e && buf[p] === EQUALS) {
      p++;
      if (p < e && buf[p] === QUOTE) {
        flags = FLAG_QUOTED;
        valueStart = ++p;
        while (p < e && buf[p] !== QUOTE) {
          if (buf[p] === BACKSLASH) {
            flags |= FLAG_ESCAPED;
            p++;
          }
          p++;
        }
        if (p >= e) return false; // unclosed quote
        valueEnd = p++;
        if (p < e && !isBlank(buf[p])) return false;
      } else {
        valueStart = p;
        while (p < e && !isBlank(buf[p])) p++;
        valueEnd = p;
      }
    } else if (p < e && buf[p] === QUOTE) {
      return false;
    } else {
      if (first) return false;
      flags = FLAG_BARE;
    }
    first = false;
    state.ensurePair();
    const o = state.used * PAIR_INTS;
    state.pairs[o] = keyStart;
    state.pairs[o + 1] = keyEnd;
    state.pairs[o + 2] = valueStart;
    state.pairs[o + 3] = valueEnd;
    state.flags[state.used] = flags;
    state.used++;
  }
  return !first;
}

/** Index of the pair of this row whose key is one of `keys` (earlier keys win), or -1. */
function findPair(buf: Buffer, state: LogfmtState, row: number, keys: readonly Buffer[]): number {
  const first = state.firstPair[row];
  const end = first + state.pairCount[row];
  const pairs = state.pairs;
  for (const key of keys) {
    const n = key.length;
    for (let i = first; i < end; i++) {
      const ks = pairs[i * PAIR_INTS];
      if (pairs[i * PAIR_INTS + 1] - ks !== n) continue;
      let j = 0;
      while (j < n && buf[ks + j] === key[j]) j++;
      if (j === n) return i;
    }
  }
  return -1;
}

function pairText(buf: Buffer, state: LogfmtState, i: number): string {
  const flags = state.flags[i];
  if (flags & FLAG_BARE) return 'true';
  const text = decodeText(buf, state.pairs[i * PAIR_INTS + 2]!, state.pairs[i * PAIR_INTS + 3]!);
  return flags & FLAG_ESCAPED ? unescape(text) : text;
}

function pairNumber(buf: Buffer, state: LogfmtState, i: number): number {
  const flags = state.flags[i];
  if (flags & FLAG_BARE) return NaN;
  if (flags & FLAG_QUOTED) return numberFromText(pairText(buf, state, i));
  return parseDecimal(buf, state.pairs[i * PAIR_INTS + 2], state.pairs[i * PAIR_INTS + 3]);
}

function pairValue(buf: Buffer, state: LogfmtState, i: number): Value {
  const flags = state.flags[i];
  if (flags & FLAG_BARE) return true;
  if (!(flags & FLAG_QUOTED)) {
    const start = state.pairs[i * PAIR_INTS + 2]!;
    const end = state.pairs[i * PAIR_INTS + 3]!;
    const n = parseDecimal(buf, start, end);
    if (n === n) return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : (exactIntegerAt(buf, start, end) ?? n);
  }
  return pairText(buf, state, i);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (Object.hasOwn(ESCAPES, c) ? ESCAPES[c] : c));
}

function keyBuffers(name: string): Buffer[] {
  return lookupChain(name).map((key) => Buffer.from(key, 'utf8'));
}

class LogfmtReader implements FieldReader {
  readonly type: FieldType = 'any';
  private readonly keys: Buffer[];

  constructor(readonly name: string) {
    this.keys = keyBuffers(name);
  }

  str(b: LineBatch, row: number): string | undefined {
    const state = b.parsed as LogfmtState;
    const i = findPair(b.buf, state, row, this.keys);
    return i < 0 ? undefined : pairText(b.buf, state, i);
  }

  num(b: LineBatch, row: number): number {
    const state = b.parsed as LogfmtState;
    const i = findPair(b.buf, state, row, this.keys);
    return i < 0 ? NaN : pairNumber(b.buf, state, i);
  }

  value(b: LineBatch, row: number): Value {
    const state = b.parsed as LogfmtState;
    const i = findPair(b.buf, state, row, this.keys);
    return i < 0 ? null : pairValue(b.buf, state, i);
  }
}

class LogfmtTimeReader implements FieldReader {
  readonly name = 'time';
  readonly type: FieldType = 'time';
  private readonly keys = keyBuffers('time');
  private readonly parser = new LooseTimeParser();
  private readonly out = newTimeOut();

  private decode(b: LineBatch, row: number): boolean {
    const state = b.parsed as LogfmtState;
    const i = findPair(b.buf, state, row, this.keys);
    if (i < 0 || state.flags[i] & FLAG_BARE) return false;
    if (state.flags[i] & FLAG_ESCAPED) return this.parser.parseText(pairText(b.buf, state, i), this.out);
    return this.parser.parseBytes(b.buf, state.pairs[i * PAIR_INTS + 2], state.pairs[i * PAIR_INTS + 3], this.out);
  }

  str(b: LineBatch, row: number): string | undefined {
    const state = b.parsed as LogfmtState;
    const i = findPair(b.buf, state, row, this.keys);
    return i < 0 ? undefined : pairText(b.buf, state, i);
  }

  num(b: LineBatch, row: number): number {
    return this.decode(b, row) ? this.out.ms : NaN;
  }

  value(b: LineBatch, row: number): Value {
    return this.decode(b, row) ? new Instant(this.out.ms, this.out.offsetMinutes) : null;
  }
}
