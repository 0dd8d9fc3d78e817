import type { LineBatch } from '../core/batch.js';
import { decodeText } from '../core/text.js';
import { Instant, type Value } from '../core/value.js';
import { COLON, DASH, DOT, LBRACKET, RBRACKET, SPACE, TAB, findByte } from './bytes.js';
import { LINE_FIELD, type FieldReader, type FieldSpec, type FieldType, type LogFormat, type RowParser } from '../core/format.js';
import { LINE_READER, withLineField } from './line-field.js';
import { SpanState } from './span-state.js';
import { newTimeOut } from './time/civil.js';
import { IsoTimeScanner } from './time/iso-time.js';
import { scanShortDateTime } from './time/short-date.js';

/**
 * `applog`: levelled application logs, one record per line:
 *
 *   2024-01-02T03:04:05.678Z INFO message
 *   2024-01-02 03:04:05,678 ERROR [main] com.example.Foo - message
 *   2024-01-02 03:04:05.678 [worker-1] WARN  com.example.Bar - message
 *   [2024-01-02T03:04:05+01:00] [ERROR] message
 *   2024-01-02 03:04:05,678 - app.db - WARNING - message
 *   2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: message   (Hadoop)
 *   17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: message                       (Spark, log4j)
 *
 * An ISO-8601 timestamp (`T` or space between date and time, `.` or `,` before the fraction, zone
 * optional, optionally in brackets) or log4j's `yy/MM/dd HH:mm:ss`, then a level (TRACE DEBUG
 * INFO NOTICE WARN WARNING ERROR SEVERE FATAL CRITICAL, any case, padded or in brackets, a
 * trailing `:` allowed), then the message. An optional `[thread]` before or after the level, and
 * a logger before the message are recognised: `logger - ` anywhere, or log4j's `logger: ` (`%c:
 * %m`) when the name is a class name (dotted, or with `$`), or any name after a `yy/MM/dd` time
 * (that layout is log4j's own, whose pattern always writes the logger there; in free text after
 * an ISO time, `ERROR Failed: disk full` must keep `Failed:` in its message). A timestamp without
 * a zone is taken as UTC (see time/iso-time.ts for why).
 *
 * Fields: time, level, message, thread, logger, line. Lines that do not start this way
 * (stack-trace continuation lines, for instance) are malformed.
 *
 * Parsing is byte-level and stops right after the level when nothing later is needed: this is
 * the hot path of `level == "ERROR"`, where the level is compared as bytes via span().
 */
const TIME = 0;
const LEVEL = 1;
const THREAD = 2;
const LOGGER = 3;
const MESSAGE = 4;
const SLOTS = 5;

const FIELDS: readonly FieldSpec[] = [
  { name: 'time', type: 'time' },
  { name: 'level', type: 'string' },
  { name: 'message', type: 'string' },
  { name: 'thread', type: 'string' },
  { name: 'logger', type: 'string' },
];

const SLOT_OF: Record<string, number> = { time: TIME, level: LEVEL, thread: THREAD, logger: LOGGER, message: MESSAGE };

export const applogFormat: LogFormat = {
  name: 'applog',
  fields: withLineField(FIELDS),
  parser(needed: ReadonlySet<string> | null): RowParser {
    return new ApplogParser(needed);
  },
};

class ApplogParser implements RowParser {
  readonly format = applogFormat;
  private readonly state = new SpanState(2 * SLOTS, 1);
  private readonly iso = new IsoTimeScanner();
  private readonly time = newTimeOut();
  /** Only the level (and time) are wanted: stop scanning after the level. */
  private levelIsLast = false;
  /** Some reader wants the time's value: store it (its span is always stored). */
  private storeTime = true;
  private readonly needed: Set<string> | null;
  /** The batch whose rows `state` describes, so that a late reader() can complete them. */
  private lastBatch: LineBatch | null = null;

  constructor(needed: ReadonlySet<string> | null) {
    this.needed = needed === null ? null : new Set(needed);
    this.plan();
  }

  /** Decides how far to scan and what to store for the needed fields. */
  private plan(): void {
    const n = this.needed;
    this.levelIsLast = n !== null && n.size > 0 && !n.has('message') && !n.has('logger') && !n.has('thread');
    this.storeTime = n === null || n.has('time');
  }

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const state = this.state;
    state.ensureRows(b.count);
    this.lastBatch = b;
    const { buf, starts, ends, sel } = b;
    const selCount = b.selCount;
    const levelIsLast = this.levelIsLast;
    const storeTime = this.storeTime;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      if (this.parseLine(buf, starts[row], ends[row], row, levelIsLast, storeTime)) sel[kept++] = row;
      else onMalformed(row);
    }
    b.selCount = kept;
    b.parsed = state;
    b.parser = this;
  }

  /**
   * Parses one line into the row's slots; false when it is malformed. Which lines are malformed
   * does not depend on the flags: the part after the level never makes a line malformed, and the
   * time is validated whether or not its value is stored. With `levelIsLast` the thread, logger
   * and message are not located (the thread or logger may still be, on the way to the level).
   */
  private parseLine(buf: Buffer, s: number, e: number, row: number, levelIsLast: boolean, storeTime: boolean): boolean {
    const state = this.state;
    const spans = state.spans;
    const o = row * 2 * SLOTS;
    let p = s;
    const bracketed = p < e && buf[p] === LBRACKET;
    if (bracketed) p++;
    const timeStart = p;
    p = this.iso.scan(buf, p, e, this.time);
    // log4j's yy/MM/dd layout always writes a logger before the message (see the header).
    const log4j = p < 0;
    if (log4j) p = scanShortDateTime(buf, timeStart, e, this.time);
    if (p < 0) return false;
    spans[o] = timeStart;
    spans[o + 1] = p;
    if (storeTime) {
      state.nums[row] = this.time.ms;
      state.offsets[row] = this.time.offsetMinutes;
    }
    if (bracketed) {
      if (buf[p] !== RBRACKET) return false;
      p++;
    }
    if (p >= e || (buf[p] !== SPACE && buf[p] !== TAB)) return false;
    p = skipBlanks(buf, p, e);
    if (!levelIsLast) {
      // "Not found" until found; the part after the level looks at these.
      spans[o + 2 * THREAD] = spans[o + 2 * THREAD + 1] = -1;
      spans[o + 2 * LOGGER] = spans[o + 2 * LOGGER + 1] = -1;
    }

    // Python's "ts - logger - LEVEL - message" (or "ts - LEVEL - message").
    if (buf[p] === DASH && buf[p + 1] === SPACE) {
      p += 2;
      let wordEnd = p;
      while (wordEnd < e && buf[wordEnd] !== SPACE) wordEnd++;
      if (!isLevel(buf, p, wordEnd)) {
        const loggerEnd = findSeparator(buf, p, e);
        if (loggerEnd < 0) return false;
        spans[o + 2 * LOGGER] = p;
        spans[o + 2 * LOGGER + 1] = loggerEnd;
        p = loggerEnd + 3;
      }
    }

    // The level, perhaps after a [thread], perhaps itself in brackets.
    let levelFound = false;
    for (let attempt = 0; attempt < 2 && !levelFound; attempt++) {
      if (p < e && buf[p] === LBRACKET) {
        const close = findByte(buf, p + 1, e, RBRACKET);
        if (close < 0) return false;
        if (isLevel(buf, p + 1, close)) {
          spans[o + 2 * LEVEL] = p + 1;
          spans[o + 2 * LEVEL + 1] = close;
          levelFound = true;
        } else if (attempt === 0) {
          spans[o + 2 * THREAD] = p + 1;
          spans[o + 2 * THREAD + 1] = close;
        } else {
          return false;
        }
        p = skipBlanks(buf, close + 1, e);
      } else {
        let end = p;
        while (end < e && buf[end] !== SPACE && buf[end] !== TAB) end++;
        const levelEnd = end > p && buf[end - 1] === COLON ? end - 1 : end;
        if (!isLevel(buf, p, levelEnd)) return false;
        spans[o + 2 * LEVEL] = p;
        spans[o + 2 * LEVEL + 1] = levelEnd;
        levelFound = true;
        p = skipBlanks(buf, end, e);
      }
    }
    if (!levelFound) return false;
    if (levelIsLast) return true;

    if (p + 1 < e && buf[p] === DASH && buf[p + 1] === SPACE) p = skipBlanks(buf, p + 2, e);
    if (spans[o + 2 * THREAD] < 0 && p < e && buf[p] === LBRACKET) {
      const close = findByte(buf, p + 1, e, RBRACKET);
      if (close >= 0) {
        spans[o + 2 * THREAD] = p + 1;
        spans[o + 2 * THREAD + 1] = close;
        p = skipBlanks(buf, close + 1, e);
      }
    }
    if (spans[o + 2 * LOGGER] < 0 && p < e && buf[p] !== DASH) {
      let end = p;
      while (end < e && buf[end] !== SPACE && buf[end] !== TAB) end++;
      if (end + 2 < e && buf[end] === SPACE && buf[end + 1] === DASH && buf[end + 2] === SPACE) {
        spans[o + 2 * LOGGER] = p;
        spans[o + 2 * LOGGER + 1] = end;
        p = skipBlanks(buf, end + 3, e);
      } else if (end + 2 === e && buf[end] === SPACE && buf[end + 1] === DASH) {
        spans[o + 2 * LOGGER] = p;
        spans[o + 2 * LOGGER + 1] = end;
        p = e;
      } else if (end - 1 > p && buf[end - 1] === COLON && isLoggerName(buf, p, end - 1, log4j)) {
        spans[o + 2 * LOGGER] = p;
        spans[o + 2 * LOGGER + 1] = end - 1;
        p = skipBlanks(buf, end, e);
      }
    }
    spans[o + 2 * MESSAGE] = p;
    spans[o + 2 * MESSAGE + 1] = e;
    return true;
  }

  /**
   * A reader for the field. Asking for a field outside `needed` widens what later parse() calls
   * store, and completes the rows of the batch parsed last.
   */
  reader(field: string): FieldReader | undefined {
    if (field === LINE_FIELD.name) return LINE_READER;
    if (!Object.hasOwn(SLOT_OF, field)) return undefined;
    const slot = SLOT_OF[field];
    if (this.needed !== null && !this.needed.has(field)) {
      this.needed.add(field);
      this.plan();
      const b = this.lastBatch;
      if (b !== null && b.parsed === this.state) {
        for (let k = 0; k < b.selCount; k++) this.completeRow(b, b.sel[k]);
      }
    }
    return slot === TIME ? new ApplogTimeReader() : new ApplogStringReader(field, slot);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    // A projected parser may have stored only part of this row.
    if (this.needed !== null) this.completeRow(b, row);
    const out: Record<string, Value> = {};
    const state = this.state;
    for (const spec of FIELDS) {
      const slot = SLOT_OF[spec.name];
      out[spec.name] = slot === TIME ? timeValue(state, row) : stringValue(b.buf, state, row, slot);
    }
    return out;
  }

  /** Stores every field of a row parse() kept, whatever was needed. */
  private completeRow(b: LineBatch, row: number): void {
    this.parseLine(b.buf, b.starts[row], b.ends[row], row, false, true);
  }
}

function skipBlanks(buf: Buffer, p: number, e: number): number {
  while (p < e && (buf[p] === SPACE || buf[p] === TAB)) p++;
  return p;
}

/**
 * Is buf[s, e) a logger name before a `:`? A Java-like name (letters, digits, `_ $ . -`, starting
 * with a letter, `_` or `$`); unless `anyName`, it must be qualified (a `.` or `$`), so a word of
 * free text (`Failed: disk full`) is not taken for one.
 */
function isLoggerName(buf: Buffer, s: number, e: number, anyName: boolean): boolean {
  const first = buf[s] | 0x20;
  if (!((first >= 0x61 && first <= 0x7a) || buf[s] === 0x5f || buf[s] === 0x24)) return false;
  let qualified = anyName;
  for (let p = s; p < e; p++) {
    const c = buf[p];
    const l = c | 0x20;
    if (c === DOT || c === 0x24) qualified = true;
    else if (!((l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === DASH)) return false;
  }
  return qualified;
}

/** Index of the next " - " at or after p, or -1. */
function findSeparator(buf: Buffer, p: number, e: number): number {
  for (let q = p; q + 2 < e; q++) {
    if (buf[q] === SPACE && buf[q + 1] === DASH && buf[q + 2] === SPACE) return q;
  }
  return -1;
}

/**
 * Is buf[s, e) one of the level words, in any case? Letters are compared lowercased with `| 0x20`
 * four at a time, packed into one integer, so a word costs two or three comparisons.
 */
export function isLevel(buf: Buffer, s: number, e: number): boolean {
  const length = e - s;
  if (length < 4 || length > 8) return false;
  const head = lower4(buf, s);
  switch (length) {
    case 4:
      return head === INFO || head === WARN;
    case 5: {
      const c = buf[s + 4] | 0x20;
      return (
        (head === ERRO && c === 0x72) || // error
        (head === DEBU && c === 0x67) || // debug
        (head === TRAC && c === 0x65) || // trace
        (head === FATA && c === 0x6c) // fatal
      );
    }
    case 6: {
      const tail = (buf[s + 4] | 0x20) | ((buf[s + 5] | 0x20) << 8);
      return (head === NOTI && tail === CE) || (head === SEVE && tail === RE);
    }
    case 7:
      return head === WARN && lower4(buf, s + 3) === NING;
    default:
      return head === CRIT && lower4(buf, s + 4) === ICAL;
  }
}

/** Four bytes at buf[p], each `| 0x20`, packed little-end first. */
function lower4(buf: Buffer, p: number): number {
  return (buf[p] | 0x20) | ((buf[p + 1] | 0x20) << 8) | ((buf[p + 2] | 0x20) << 16) | ((buf[p + 3] | 0x20) << 24);
}

/** lower4 of a lowercase ASCII word. */
function packed(word: string): number {
  let key = 0;
  for (let i = 0; i < word.length; i++) key |= word.charCodeAt(i) << (8 * i);
  return key;
}

const INFO = packed('info');
const WARN = packed('warn');
const ERRO = packed('erro');
const DEBU = packed('debu');
const TRAC = packed('trac');
const FATA = packed('fata');
const NOTI = packed('noti');
const SEVE = packed('seve');
const CE = packed('ce');
const RE = packed('re');
const NING = packed('ning');
const CRIT = packed('crit');
const ICAL = packed('ical');

function stringValue(buf: Buffer, state: SpanState, row: number, slot: number): string | null {
  const i = row * 2 * SLOTS + 2 * slot;
  const start = state.spans[i];
  return start < 0 ? null : decodeText(buf, start, state.spans[i + 1]!);
}

function timeValue(state: SpanState, row: number): Instant {
  return new Instant(state.nums[row], state.offsets[row]);
}

class ApplogStringReader implements FieldReader {
  readonly type: FieldType = 'string';

  constructor(
    readonly name: string,
    private readonly slot: number,
  ) {}

  str(b: LineBatch, row: number): string | undefined {
    return stringValue(b.buf, b.parsed as SpanState, row, this.slot) ?? undefined;
  }

  num(b: LineBatch, row: number): number {
    const text = this.str(b, row);
    return text === undefined || text.trim() === '' ? NaN : Number(text);
  }

  value(b: LineBatch, row: number): Value {
    return stringValue(b.buf, b.parsed as SpanState, row, this.slot);
  }

  span(b: LineBatch, row: number, out: Int32Array): Uint8Array | null {
    const spans = (b.parsed as SpanState).spans;
    const i = row * 2 * SLOTS + 2 * this.slot;
    const start = spans[i]!;
    if (start < 0) return null;
    out[0] = start;
    out[1] = spans[i + 1]!;
    return b.buf;
  }
}

class ApplogTimeReader implements FieldReader {
  readonly name = 'time';
  readonly type: FieldType = 'time';

  str(b: LineBatch, row: number): string | undefined {
    const spans = (b.parsed as SpanState).spans;
    const i = row * 2 * SLOTS;
    return decodeText(b.buf, spans[i]!, spans[i + 1]!);
  }

  num(b: LineBatch, row: number): number {
    return (b.parsed as SpanState).nums[row];
  }

  value(b: LineBatch, row: number): Value {
    return timeValue(b.parsed as SpanState, row);
  }
}
