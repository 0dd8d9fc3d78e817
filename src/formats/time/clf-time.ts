import { isDigit } from '../bytes.js';
import { daysFromCivil, fourDigits, monthFromAbbrev, twoDigits, validDateTime, type TimeOut } from './civil.js';
import { scannedZoneOffset, scanZone } from './iso-time.js';

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
    if (!this.check(buf, start, end)) return false;
    const p = start;
    const hour = twoDigits(buf, p + 12);
    const minute = twoDigits(buf, p + 15);
    const second = twoDigits(buf, p + 18);
    out.ms = this.cachedDayMs + ((hour * 60 + minute) * 60 + second) * 1000;
    out.offsetMinutes = this.cachedOffset;
    return true;
  }

  /**
   * parse(), plus the shapes people type rather than servers write: a one-digit day
   * (`1/Jul/1995:00:00:01`), no zone (UTC, as everywhere in logsift) and `+hh:mm` zones. For
   * query literals: parse() and check() stay exactly 26 bytes, the shape an access log's
   * `[...]` holds, so its matchers keep rejecting anything else.
   */
  parseAny(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
    if (end - start === CLF_TIME_LENGTH && this.parse(buf, start, end, out)) return true;
    return parseUnusual(buf, start, end, out);
  }

  /**
   * True exactly when parse() would succeed, without computing the instant: the access matchers
   * validate every line's time this way and leave the decoding to whoever reads the field. On
   * return the cache holds this time's day.
   */
  check(buf: Buffer, start: number, end: number): boolean {
    if (end - start !== CLF_TIME_LENGTH) return false;
    const p = start;
    if (buf[p + 2] !== 0x2f || buf[p + 6] !== 0x2f || buf[p + 11] !== 0x3a) return false;
    if (buf[p + 14] !== 0x3a || buf[p + 17] !== 0x3a || buf[p + 20] !== 0x20) return false;
    const hour = twoDigits(buf, p + 12);
    const minute = twoDigits(buf, p + 15);
    const second = twoDigits(buf, p + 18);
    if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
    return this.sameDayAsCached(buf, p) || this.fillCache(buf, p);
  }

  private sameDayAsCached(buf: Buffer, p: number): boolean {
    // Unrolled: this runs for every line of an access log. Bytes 2 and 6 are the `/` that
    // check() has verified.
    const key = this.cachedKey;
    return (
      buf[p] === key[0] && buf[p + 1] === key[1] && buf[p + 3] === key[3] && buf[p + 4] === key[4] &&
      buf[p + 5] === key[5] && buf[p + 7] === key[7] && buf[p + 8] === key[8] && buf[p + 9] === key[9] &&
      buf[p + 10] === key[10] && buf[p + 21] === key[11] && buf[p + 22] === key[12] &&
      buf[p + 23] === key[13] && buf[p + 24] === key[14] && buf[p + 25] === key[15] &&
      this.cachedDayMs === this.cachedDayMs // not NaN: the cache holds something
    );
  }

  private fillCache(buf: Buffer, p: number): boolean {
    const day = twoDigits(buf, p);
    const month = monthFromAbbrev(buf, p + 3);
    const year = fourDigits(buf, p + 7);
    const sign = buf[p + 21];
    const zoneHours = twoDigits(buf, p + 22);
    const zoneMinutes = twoDigits(buf, p + 24);
    if (day < 0 || month === 0 || year < 0 || zoneHours < 0 || zoneMinutes < 0) return false;
    if (zoneHours > 23 || zoneMinutes > 59) return false; // `+9999` is no offset
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

/**
 * The CLF shapes parse() leaves out: `d/Mon/yyyy:hh:mm:ss` with a one- or two-digit day, then
 * nothing or one space and a four-digit zone (scanZone's grammar). Rare, so uncached.
 */
function parseUnusual(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
  const oneDigitDay = isDigit(buf[start]) && buf[start + 1] === 0x2f;
  const day = oneDigitDay ? buf[start] - 0x30 : twoDigits(buf, start);
  // p is the `/` before the month: `/Mon/yyyy:hh:mm:ss` follows, 18 bytes.
  const p = start + (oneDigitDay ? 1 : 2);
  if (day < 0 || p + 18 > end) return false;
  if (buf[p] !== 0x2f || buf[p + 4] !== 0x2f || buf[p + 9] !== 0x3a || buf[p + 12] !== 0x3a || buf[p + 15] !== 0x3a) {
    return false;
  }
  const month = monthFromAbbrev(buf, p + 1);
  const year = fourDigits(buf, p + 5);
  const hour = twoDigits(buf, p + 10);
  const minute = twoDigits(buf, p + 13);
  const second = twoDigits(buf, p + 16);
  if (month === 0 || year < 0 || hour < 0 || minute < 0 || second < 0) return false;
  if (!validDateTime(year, month, day, hour, minute, second)) return false;
  let offset = 0;
  if (p + 18 < end) {
    // Only a spaced zone: scanZone then insists on four digits, as CLF writes them.
    if (buf[p + 18] !== 0x20 || scanZone(buf, p + 18, end) !== end) return false;
    offset = scannedZoneOffset();
  }
  out.ms = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 - offset * 60_000;
  out.offsetMinutes = offset;
  return true;
}
