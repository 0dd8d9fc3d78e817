import { isDigit } from '../bytes.js';
import { daysFromCivil, fourDigits, twoDigits, validDateTime, type TimeOut } from './civil.js';

/**
 * Scans ISO-8601-like timestamps from bytes, the shapes application logs write:
 * `2024-01-02T03:04:05.678Z`, `2024-01-02T03:04:05+01:00`, `2024-01-02 03:04:05,678`,
 * `2024-01-02 03:04:05.678 +0100`, `2024-01-02T03:04` ...
 *
 * A time written without a zone is taken as UTC (offset 0): the log does not say where it was
 * written, and guessing the machine's zone would make results depend on where logsift runs.
 *
 * The day number of the last date seen is cached, so a file of lines from the same day does the
 * calendar arithmetic once.
 */
export class IsoTimeScanner {
  private cachedDate = -1;
  private cachedDays = 0;

  /**
   * Scans a timestamp starting exactly at `start`, not reading at or past `limit`. Writes the
   * instant into out and returns the index just past it, or -1 when no timestamp starts there.
   */
  scan(buf: Buffer, start: number, limit: number, out: TimeOut): number {
    const p = start;
    if (p + 16 > limit) return -1;
    if (buf[p + 4] !== 0x2d || buf[p + 7] !== 0x2d || buf[p + 13] !== 0x3a) return -1;
    const sep = buf[p + 10];
    if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return -1;
    const year = fourDigits(buf, p);
    const month = twoDigits(buf, p + 5);
    const day = twoDigits(buf, p + 8);
    const hour = twoDigits(buf, p + 11);
    const minute = twoDigits(buf, p + 14);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return -1;
    let q = p + 16;
    let second = 0;
    let millis = 0;
    if (q + 3 <= limit && buf[q] === 0x3a) {
      second = twoDigits(buf, q + 1);
      if (second < 0) return -1;
      q += 3;
      if (q + 1 < limit && (buf[q] === 0x2e || buf[q] === 0x2c) && isDigit(buf[q + 1])) {
        q++;
        // Keep milliseconds; finer digits are read and dropped.
        let scale = 100;
        while (q < limit && isDigit(buf[q])) {
          millis += (buf[q] - 0x30) * scale;
          scale /= 10;
          q++;
        }
        millis = Math.floor(millis);
      }
    }
    if (!validDateTime(year, month, day, hour, minute, second)) return -1;
    let offset = 0;
    const zoneEnd = scanZone(buf, q, limit);
    if (zoneEnd > 0) {
      offset = zoneOffset;
      q = zoneEnd;
    }
    const dateKey = year * 10000 + month * 100 + day;
    if (dateKey !== this.cachedDate) {
      this.cachedDays = daysFromCivil(year, month, day);
      this.cachedDate = dateKey;
    }
    out.ms =
      this.cachedDays * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset * 60_000;
    out.offsetMinutes = offset;
    return q;
  }
}

/** Offset found by the last successful scanZone (a module slot, so scanZone need not allocate). */
let zoneOffset = 0;

/**
 * Scans a zone designator at q: `Z`, `+hh`, `+hhmm`, `+hh:mm` (or `-`), optionally after one
 * space when it has four digits (`2024-01-02 03:04:05 +0100`). Returns the end, or -1.
 */
function scanZone(buf: Buffer, q: number, limit: number): number {
  if (q >= limit) return -1;
  const c = buf[q];
  if (c === 0x5a || c === 0x7a) {
    zoneOffset = 0;
    return q + 1;
  }
  let spaced = false;
  if (c === 0x20) {
    spaced = true;
    q++;
  }
  const sign = buf[q];
  if (q >= limit || (sign !== 0x2b && sign !== 0x2d)) return -1;
  const hours = q + 3 <= limit ? twoDigits(buf, q + 1) : -1;
  if (hours < 0 || hours > 23) return -1;
  let end = q + 3;
  let minutes = 0;
  if (end + 3 <= limit && buf[end] === 0x3a) {
    minutes = twoDigits(buf, end + 1);
    if (minutes < 0) return -1;
    end += 3;
  } else if (end + 2 <= limit && isDigit(buf[end])) {
    minutes = twoDigits(buf, end);
    if (minutes < 0) return -1;
    end += 2;
  } else if (spaced) {
    return -1; // " +01" alone is too weak a signal after a space
  }
  if (minutes > 59) return -1;
  // The zone must end the token: "+0100abc" is not a zone.
  if (end < limit && isAlnum(buf[end])) return -1;
  zoneOffset = (sign === 0x2d ? -1 : 1) * (hours * 60 + minutes);
  return end;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
}
