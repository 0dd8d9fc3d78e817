import { isDigit } from '../bytes.js';
import { daysFromCivil, fourDigits, monthFromAbbrev, twoDigits, validDateTime, type TimeOut } from './civil.js';

/**
 * The month-name timestamps of C's ctime() and of syslog, read from bytes at fixed positions:
 *
 *   syslog (RFC 3164):  `Dec  4 04:47:44`, `Dec 14 04:47:44`   (no year, no zone)
 *   ctime (Apache error log): `Sun Dec 04 04:47:44 2005`, `Wed Oct 11 14:32:52.123456 2000`
 *
 * The day may be space-padded (`Dec  4`) or zero-padded (`Dec 04`). No zone is written: read as
 * UTC like every zoneless time. A syslog stamp has no year either: the caller supplies one (see
 * syslog.ts for how it is chosen).
 */
export class MonthDayTime {
  month = 0;
  day = 0;
  /** Seconds since midnight, with the fraction. */
  seconds = 0;

  /** Scans `Mmm dd hh:mm:ss` (with an optional `.fraction`) at p; its end, or -1. */
  scan(buf: Buffer, p: number, limit: number, fraction: boolean): number {
    if (p + 15 > limit || buf[p + 3] !== 0x20 || buf[p + 9] !== 0x3a || buf[p + 12] !== 0x3a) return -1;
    const month = monthFromAbbrev(buf, p);
    if (month === 0) return -1;
    let day: number;
    if (buf[p + 4] === 0x20) day = isDigit(buf[p + 5]) ? buf[p + 5] - 0x30 : -1;
    else day = twoDigits(buf, p + 4);
    const hour = twoDigits(buf, p + 7);
    const minute = twoDigits(buf, p + 10);
    const second = twoDigits(buf, p + 13);
    if (day < 1 || buf[p + 6] !== 0x20 || hour < 0 || minute < 0 || second < 0) return -1;
    if (hour > 23 || minute > 59 || second > 60) return -1;
    let end = p + 15;
    let frac = 0;
    if (fraction && end + 1 < limit && buf[end] === 0x2e && isDigit(buf[end + 1])) {
      let scale = 1;
      end++;
      while (end < limit && isDigit(buf[end])) {
        if (scale < 1e9) {
          frac = frac * 10 + (buf[end] - 0x30);
          scale *= 10;
        }
        end++;
      }
      frac /= scale;
    }
    this.month = month;
    this.day = day;
    this.seconds = (hour * 60 + minute) * 60 + second + frac;
    return end;
  }

  /** The instant of the last scan in `year`; false when that date does not exist (Feb 29). */
  instant(year: number, out: TimeOut): boolean {
    if (!validDateTime(year, this.month, this.day, 0, 0, 0)) return false;
    out.ms = daysFromCivil(year, this.month, this.day) * 86_400_000 + Math.round(this.seconds * 1000);
    out.offsetMinutes = 0;
    return true;
  }
}

/**
 * ctime's `Www Mmm dd hh:mm:ss[.ffffff] yyyy` at p (the weekday is not checked against the date:
 * it is redundant, and a wrong one is the writer's slip, not a different time). Its end, or -1.
 */
export function scanCtime(buf: Buffer, p: number, limit: number, parts: MonthDayTime, out: TimeOut): number {
  if (p + 24 > limit || buf[p + 3] !== 0x20 || !isLetter(buf[p]) || !isLetter(buf[p + 1]) || !isLetter(buf[p + 2])) return -1;
  const end = parts.scan(buf, p + 4, limit, true);
  if (end < 0 || end + 5 > limit || buf[end] !== 0x20) return -1;
  const year = fourDigits(buf, end + 1);
  if (year < 0 || !parts.instant(year, out)) return -1;
  return end + 5;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a;
}
