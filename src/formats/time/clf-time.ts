import { daysFromCivil, fourDigits, monthFromAbbrev, twoDigits, validDateTime, type TimeOut } from './civil.js';

/** Length of `10/Oct/2000:13:55:36 -0700`. */
export const CLF_TIME_LENGTH = 26;

/**
 * Parses Common Log Format times straight from bytes. Consecutive lines of an access log almost
 * always share their date and zone, so the parser keeps one cache entry: the 11 date bytes and
 * the 5 zone bytes of the last time it saw, with the epoch milliseconds of that day's midnight.
 * On a hit only hh:mm:ss is read; the calendar arithmetic runs once per day of log.
 */
export class ClfTimeParser {
  private readonly cachedKey = new Uint8Array(16);
  private cachedDayMs = NaN;
  private cachedOffset = 0;

  /** Parses buf[start, end) (must be exactly 26 bytes) into out; false when it is not a CLF time. */
  parse(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
    if (end - start !== CLF_TIME_LENGTH) return false;
    const p = start;
    if (buf[p + 2] !== 0x2f || buf[p + 6] !== 0x2f || buf[p + 11] !== 0x3a) return false;
    if (buf[p + 14] !== 0x3a || buf[p + 17] !== 0x3a || buf[p + 20] !== 0x20) return false;
    const hour = twoDigits(buf, p + 12);
    const minute = twoDigits(buf, p + 15);
    const second = twoDigits(buf, p + 18);
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
    if (!this.sameDayAsCached(buf, p)) {
      if (!this.fillCache(buf, p)) return false;
    }
    out.ms = this.cachedDayMs + ((hour * 60 + minute) * 60 + second) * 1000;
    out.offsetMinutes = this.cachedOffset;
    return true;
  }

  private sameDayAsCached(buf: Buffer, p: number): boolean {
    const key = this.cachedKey;
    for (let i = 0; i < 11; i++) if (buf[p + i] !== key[i]) return false;
    for (let i = 0; i < 5; i++) if (buf[p + 21 + i] !== key[11 + i]) return false;
    return this.cachedDayMs === this.cachedDayMs; // not NaN: the cache holds something
  }

  private fillCache(buf: Buffer, p: number): boolean {
    const day = twoDigits(buf, p);
    const month = monthFromAbbrev(buf, p + 3);
    const year = fourDigits(buf, p + 7);
    const sign = buf[p + 21];
    const zoneHours = twoDigits(buf, p + 22);
    const zoneMinutes = twoDigits(buf, p + 24);
    if (day < 0 || month === 0 || year < 0 || zoneHours < 0 || zoneMinutes < 0) return false;
    if (sign !== 0x2b && sign !== 0x2d) return false;
    if (!validDateTime(year, month, day, 0, 0, 0)) return false;
    const offset = (sign === 0x2d ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
    // Midnight local time, expressed in UTC: subtract the offset.
    this.cachedDayMs = daysFromCivil(year, month, day) * 86_400_000 - offset * 60_000;
    this.cachedOffset = offset;
    for (let i = 0; i < 11; i++) this.cachedKey[i] = buf[p + i];
    for (let i = 0; i < 5; i++) this.cachedKey[11 + i] = buf[p + 21 + i];
    return true;
  }
}
