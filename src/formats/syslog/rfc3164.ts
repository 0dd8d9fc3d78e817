import { statSync } from 'node:fs';
import type { LineBatch } from '../../core/batch.js';
import type { FieldSpec, LogFormat } from '../../core/format.js';
import type { Source } from '../../core/source.js';
import { COLON, LBRACKET, RBRACKET, SPACE, isDigit } from '../bytes.js';
import { SlotParser, clearSlots, slotFormat } from '../slot-format.js';
import { newTimeOut } from '../time/civil.js';
import { IsoTimeScanner } from '../time/iso-time.js';
import { MonthDayTime } from '../time/month-day.js';
import { PRI_SLOTS, SeverityLevelReader, scanPri } from './common.js';

/**
 * `syslog`: BSD syslog (RFC 3164) as syslogd and rsyslog write files:
 *
 *   Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186
 *   <34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8
 *   2024-01-02T03:04:05.123456+01:00 web1 nginx[77]: message      (rsyslog's RFC 3339 stamps)
 *
 * Fields: priority, facility, severity and level (its name: emerg alert crit err warning notice
 * info debug) when the line has a `<PRI>`; time; host; app (the tag, `sshd`); pid (the number in
 * `[...]`); message; line. A tag ends at `[`, `:` or a space.
 *
 * The year. `Mmm dd hh:mm:ss` has none, so it is chosen per file: the year of the file's
 * modification time (the time of its last line), except that a month after the mtime's month
 * is taken as the year before (a log that runs from December into a January mtime). Standard
 * input and files that cannot be stat'ed use the current time the same way. So a year-old file
 * reads right, and the answer never depends on the day it is queried, only on the file. Times
 * are UTC, as every zoneless time.
 */
const TIME = 4;
const HOST = 5;
const APP = 6;
const PID = 7;
const MESSAGE = 8;

const SLOTS: readonly FieldSpec[] = [
  ...PRI_SLOTS,
  { name: 'time', type: 'time' },
  { name: 'host', type: 'string' },
  { name: 'app', type: 'string' },
  { name: 'pid', type: 'number' },
  { name: 'message', type: 'string' },
];

export const syslogFormat: LogFormat = slotFormat('syslog', SLOTS, (format) => new Rfc3164Parser(format));

class Rfc3164Parser extends SlotParser {
  private readonly parts = new MonthDayTime();
  private readonly iso = new IsoTimeScanner();
  private readonly time = newTimeOut();
  private yearSource: Source | null = null;
  private refYear = 1970;
  private refMonth = 1;

  constructor(format: LogFormat) {
    super(format, SLOTS, { level: new SeverityLevelReader() });
  }

  protected override beginBatch(b: LineBatch): void {
    if (b.source === this.yearSource) return;
    this.yearSource = b.source;
    const reference = new Date(modifiedMs(b.source));
    this.refYear = reference.getUTCFullYear();
    this.refMonth = reference.getUTCMonth() + 1;
  }

  protected parseLine(buf: Buffer, s: number, e: number, spans: Int32Array, o: number, nums: Float64Array, offsets: Int16Array, no: number): boolean {
    clearSlots(spans, o, nums, no, SLOTS.length);
    const t = scanPri(buf, s, e, nums, no);
    if (t < 0) return false;
    const time = this.time;
    let p = this.parts.scan(buf, t, e, false);
    if (p >= 0) {
      const year = this.parts.month > this.refMonth ? this.refYear - 1 : this.refYear;
      if (!this.parts.instant(year, time)) return false;
    } else {
      p = this.iso.scan(buf, t, e, time);
      if (p < 0) return false;
    }
    spans[o + 2 * TIME] = t;
    spans[o + 2 * TIME + 1] = p;
    nums[no + TIME] = time.ms;
    offsets[no + TIME] = time.offsetMinutes;

    // host
    if (p >= e || buf[p] !== SPACE) return false;
    p++;
    const hostStart = p;
    while (p < e && buf[p] !== SPACE) p++;
    if (p === hostStart || p >= e) return false;
    spans[o + 2 * HOST] = hostStart;
    spans[o + 2 * HOST + 1] = p;
    p++;

    // tag[pid]:
    const appStart = p;
    while (p < e && buf[p] !== LBRACKET && buf[p] !== COLON && buf[p] !== SPACE) p++;
    if (p === appStart) return false;
    spans[o + 2 * APP] = appStart;
    spans[o + 2 * APP + 1] = p;
    if (p < e && buf[p] === LBRACKET) {
      const pidStart = ++p;
      let pid = 0;
      while (p < e && isDigit(buf[p])) pid = pid * 10 + (buf[p++] - 0x30);
      if (p >= e || buf[p] !== RBRACKET) return false;
      if (p > pidStart) {
        spans[o + 2 * PID] = pidStart;
        spans[o + 2 * PID + 1] = p;
        nums[no + PID] = pid;
      }
      p++;
    }
    if (p < e && buf[p] === COLON) p++;
    if (p < e && buf[p] === SPACE) p++;
    spans[o + 2 * MESSAGE] = p;
    spans[o + 2 * MESSAGE + 1] = e;
    return true;
  }
}

/** The modification time of a source's file; now for standard input (or a file that cannot be stat'ed). */
function modifiedMs(source: Source): number {
  if (source.path === null) return Date.now();
  try {
    return statSync(source.path).mtimeMs;
  } catch {
    return Date.now();
  }
}
