import type { FieldSpec, LogFormat } from '../core/format.js';
import { COLON, LBRACKET, RBRACKET, SPACE, findByte, isDigit, matchesAt } from './bytes.js';
import { SlotParser, clearSlots, slotFormat } from './slot-format.js';
import { newTimeOut } from './time/civil.js';
import { MonthDayTime, scanCtime } from './time/month-day.js';

/**
 * `apache_error`: Apache httpd's error log (ErrorLogFormat's defaults), in both forms:
 *
 *   [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] File does not exist: /var/www/favicon.ico     (2.2)
 *   [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 35708:tid 4328636416] [client 1.2.3.4:5] AH00124: ...   (2.4)
 *
 * Fields: time (ctime layout, microseconds kept to the millisecond, no zone: UTC), level
 * (emerg alert crit error warn notice info debug trace1-8, as written), module (2.4, `core`;
 * absent in 2.2 and for `[:error]`), pid and tid (numbers), client (as written, `1.2.3.4:5`),
 * host (the client's address: 2.4 writes `address:port`, so the part before the last `:`; 2.2 writes
 * the address alone), message (the rest), line. `[remote ...]` (2.4's proxied peer) is read as
 * the client. Anything between the pid and the client (`%F`, `%E` at debug levels) stays in the
 * message, and so does the client then.
 */
const TIME = 0;
const LEVEL = 1;
const MODULE = 2;
const PID = 3;
const TID = 4;
const CLIENT = 5;
const HOST = 6;
const MESSAGE = 7;

const SLOTS: readonly FieldSpec[] = [
  { name: 'time', type: 'time' },
  { name: 'level', type: 'string' },
  { name: 'module', type: 'string' },
  { name: 'pid', type: 'number' },
  { name: 'tid', type: 'number' },
  { name: 'client', type: 'string' },
  { name: 'host', type: 'string' },
  { name: 'message', type: 'string' },
];

const PID_OPEN = Buffer.from('[pid ');
const TID_OPEN = Buffer.from(':tid ');
const CLIENT_OPEN = Buffer.from('[client ');
const REMOTE_OPEN = Buffer.from('[remote ');

export const apacheErrorFormat: LogFormat = slotFormat('apache_error', SLOTS, (format) => new ApacheErrorParser(format));

class ApacheErrorParser extends SlotParser {
  private readonly parts = new MonthDayTime();
  private readonly time = newTimeOut();

  constructor(format: LogFormat) {
    super(format, SLOTS);
  }

  protected parseLine(buf: Buffer, s: number, e: number, spans: Int32Array, o: number, nums: Float64Array, offsets: Int16Array, no: number): boolean {
    clearSlots(spans, o, nums, no, SLOTS.length);
    if (s >= e || buf[s] !== LBRACKET) return false;
    let p = scanCtime(buf, s + 1, e, this.parts, this.time);
    if (p < 0 || buf[p] !== RBRACKET) return false;
    spans[o + 2 * TIME] = s + 1;
    spans[o + 2 * TIME + 1] = p;
    nums[no + TIME] = this.time.ms;
    offsets[no + TIME] = 0;
    p++;

    // [level] or [module:level]
    if (p + 2 >= e || buf[p] !== SPACE || buf[p + 1] !== LBRACKET) return false;
    p += 2;
    const close = findByte(buf, p, Math.min(e, p + 64), RBRACKET);
    if (close < 0) return false;
    const colon = findByte(buf, p, close, COLON);
    const levelStart = colon >= 0 ? colon + 1 : p;
    if (!isApacheLevel(buf, levelStart, close)) return false;
    if (colon > p) {
      spans[o + 2 * MODULE] = p;
      spans[o + 2 * MODULE + 1] = colon;
    }
    spans[o + 2 * LEVEL] = levelStart;
    spans[o + 2 * LEVEL + 1] = close;
    // 2.4 (`module:level`) writes the client with its port.
    const clientHasPort = colon >= 0;
    p = close + 1;

    // [pid N] or [pid N:tid M]
    if (p < e && buf[p] === SPACE && matchesAt(buf, p + 1, e, PID_OPEN)) {
      let q = p + 1 + PID_OPEN.length;
      const pidStart = q;
      let pid = 0;
      while (q < e && isDigit(buf[q])) pid = pid * 10 + (buf[q++] - 0x30);
      if (q === pidStart) return false;
      spans[o + 2 * PID] = pidStart;
      spans[o + 2 * PID + 1] = q;
      nums[no + PID] = pid;
      if (matchesAt(buf, q, e, TID_OPEN)) {
        q += TID_OPEN.length;
        const tidStart = q;
        let tid = 0;
        while (q < e && isDigit(buf[q])) tid = tid * 10 + (buf[q++] - 0x30);
        if (q === tidStart) return false;
        spans[o + 2 * TID] = tidStart;
        spans[o + 2 * TID + 1] = q;
        nums[no + TID] = tid;
      }
      if (q >= e || buf[q] !== RBRACKET) return false;
      p = q + 1;
    }

    // [client addr] or [remote addr]
    if (p < e && buf[p] === SPACE && (matchesAt(buf, p + 1, e, CLIENT_OPEN) || matchesAt(buf, p + 1, e, REMOTE_OPEN))) {
      const start = p + 1 + CLIENT_OPEN.length;
      const end = findByte(buf, start, e, RBRACKET);
      if (end > start) {
        spans[o + 2 * CLIENT] = start;
        spans[o + 2 * CLIENT + 1] = end;
        let hostEnd = end;
        if (clientHasPort) {
          let q = end - 1;
          while (q > start && isDigit(buf[q])) q--;
          if (q > start && buf[q] === COLON && q < end - 1) hostEnd = q;
        }
        spans[o + 2 * HOST] = start;
        spans[o + 2 * HOST + 1] = hostEnd;
        p = end + 1;
      }
    }
    while (p < e && buf[p] === SPACE) p++;
    spans[o + 2 * MESSAGE] = p;
    spans[o + 2 * MESSAGE + 1] = e;
    return true;
  }
}

/** emerg alert crit error warn notice info debug trace1..trace8 (lowercase, as Apache writes them). */
function isApacheLevel(buf: Buffer, s: number, e: number): boolean {
  const word = LEVEL_WORDS.get(e - s);
  if (word === undefined) return false;
  for (const w of word) if (matchesAt(buf, s, e, w)) return true;
  // trace1..trace8
  return e - s === 6 && matchesAt(buf, s, e, TRACE) && buf[s + 5] >= 0x31 && buf[s + 5] <= 0x38;
}

const TRACE = Buffer.from('trace');
const LEVEL_WORDS = new Map<number, Buffer[]>();
for (const w of ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug']) {
  const list = LEVEL_WORDS.get(w.length) ?? [];
  list.push(Buffer.from(w));
  LEVEL_WORDS.set(w.length, list);
}
