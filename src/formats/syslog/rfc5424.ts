import type { FieldSpec, LogFormat } from '../../core/format.js';
import { BACKSLASH, DASH, LBRACKET, QUOTE, RBRACKET, SPACE, isDigit } from '../bytes.js';
import { SlotParser, clearSlots, slotFormat } from '../slot-format.js';
import { newTimeOut } from '../time/civil.js';
import { IsoTimeScanner } from '../time/iso-time.js';
import { PRI_SLOTS, SeverityLevelReader, scanPri } from './common.js';

/**
 * `rfc5424`: syslog's structured form (RFC 5424 section 6):
 *
 *   <165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3"] message
 *
 * Fields: priority, facility, severity, level (as in `syslog`), version, time, host, app,
 * procid (as written) and pid (it, when it is a number), msgid, structured_data (the `[...]`
 * elements as written), message (a leading UTF-8 byte-order mark dropped), line. A header field
 * written `-` (NILVALUE) is absent.
 */
const VERSION = 4;
const TIME = 5;
const HOST = 6;
const APP = 7;
const PROCID = 8;
const PID = 9;
const MSGID = 10;
const SD = 11;
const MESSAGE = 12;

/** The header's tokens after the time, in order. */
const HEADER_TOKENS = Int32Array.of(HOST, APP, PROCID, MSGID);

const SLOTS: readonly FieldSpec[] = [
  ...PRI_SLOTS,
  { name: 'version', type: 'number' },
  { name: 'time', type: 'time' },
  { name: 'host', type: 'string' },
  { name: 'app', type: 'string' },
  { name: 'procid', type: 'string' },
  { name: 'pid', type: 'number' },
  { name: 'msgid', type: 'string' },
  { name: 'structured_data', type: 'string' },
  { name: 'message', type: 'string' },
];

export const rfc5424Format: LogFormat = slotFormat('rfc5424', SLOTS, (format) => new Rfc5424Parser(format));

class Rfc5424Parser extends SlotParser {
  private readonly iso = new IsoTimeScanner();
  private readonly time = newTimeOut();

  constructor(format: LogFormat) {
    super(format, SLOTS, { level: new SeverityLevelReader() });
  }

  protected parseLine(buf: Buffer, s: number, e: number, spans: Int32Array, o: number, nums: Float64Array, offsets: Int16Array, no: number): boolean {
    clearSlots(spans, o, nums, no, SLOTS.length);
    let p = scanPri(buf, s, e, nums, no);
    if (p <= s) return false; // the PRI is required here
    // VERSION: 1 to 3 digits, not starting with 0.
    const versionStart = p;
    let version = 0;
    while (p < e && p - versionStart < 3 && isDigit(buf[p])) version = version * 10 + (buf[p++] - 0x30);
    if (p === versionStart || buf[versionStart] === 0x30 || p >= e || buf[p] !== SPACE) return false;
    spans[o + 2 * VERSION] = versionStart;
    spans[o + 2 * VERSION + 1] = p;
    nums[no + VERSION] = version;
    p++;

    // TIMESTAMP or -
    if (isNil(buf, p, e)) p++;
    else {
      const end = this.iso.scan(buf, p, e, this.time);
      if (end < 0) return false;
      spans[o + 2 * TIME] = p;
      spans[o + 2 * TIME + 1] = end;
      nums[no + TIME] = this.time.ms;
      offsets[no + TIME] = this.time.offsetMinutes;
      p = end;
    }
    // HOSTNAME APP-NAME PROCID MSGID: tokens, `-` for none.
    for (let k = 0; k < HEADER_TOKENS.length; k++) {
      const slot = HEADER_TOKENS[k]!;
      if (p >= e || buf[p] !== SPACE) return false;
      p++;
      const start = p;
      while (p < e && buf[p] !== SPACE) p++;
      if (p === start) return false;
      if (!(p === start + 1 && buf[start] === DASH)) {
        spans[o + 2 * slot] = start;
        spans[o + 2 * slot + 1] = p;
      }
    }
    const procStart = spans[o + 2 * PROCID]!;
    if (procStart >= 0) {
      const procEnd = spans[o + 2 * PROCID + 1]!;
      let pid = 0;
      let q = procStart;
      while (q < procEnd && isDigit(buf[q])) pid = pid * 10 + (buf[q++] - 0x30);
      if (q === procEnd) {
        spans[o + 2 * PID] = procStart;
        spans[o + 2 * PID + 1] = procEnd;
        nums[no + PID] = pid;
      }
    }
    // STRUCTURED-DATA: - or [id param="value" ...]... (`\"`, `\\` and `\]` escaped in values).
    if (p >= e || buf[p] !== SPACE) return false;
    p++;
    if (isNil(buf, p, e)) p++;
    else {
      const sdStart = p;
      while (p < e && buf[p] === LBRACKET) {
        p = elementEnd(buf, p + 1, e);
        if (p < 0) return false;
      }
      if (p === sdStart) return false;
      spans[o + 2 * SD] = sdStart;
      spans[o + 2 * SD + 1] = p;
    }
    // [SP MSG]
    if (p < e) {
      if (buf[p] !== SPACE) return false;
      p++;
      if (p + 2 < e && buf[p] === 0xef && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) p += 3;
    }
    spans[o + 2 * MESSAGE] = p;
    spans[o + 2 * MESSAGE + 1] = e;
    return true;
  }
}

/** `-` standing alone at p (followed by a space or the end). */
function isNil(buf: Buffer, p: number, e: number): boolean {
  return p < e && buf[p] === DASH && (p + 1 === e || buf[p + 1] === SPACE);
}

/** The index after the `]` that closes an SD-ELEMENT whose `[` is before p; -1 when unclosed. */
function elementEnd(buf: Buffer, p: number, e: number): number {
  let quoted = false;
  for (; p < e; p++) {
    const c = buf[p];
    if (quoted) {
      if (c === BACKSLASH) p++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === RBRACKET) return p + 1;
  }
  return -1;
}
