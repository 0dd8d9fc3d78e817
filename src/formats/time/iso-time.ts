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
 * The last valid date seen is cached as its 10 bytes with its day number, so a file of lines
 * from the same day validates a date by comparing bytes and does the calendar arithmetic once.
 */
export class IsoTimeScanner {
  /** `yyyy-mm-dd` of the cached date; the cache is empty while cachedDays is NaN. */
  private readonly cachedDate = new Uint8Array(10);
  private cachedDays = NaN;

  /**
   * Scans a timestamp starting exactly at `start`, not reading at or past `limit`. Writes the
   * instant into out and returns the index just past it, or -1 when no timestamp starts there.
   */
  scan(buf: Buffer, start: number, limit: number, out: TimeOut): number {
    const end = this.scanUsual(buf, start, limit, out);
    return end !== UNUSUAL ? end : this.scanAny(buf, start, limit, out);
  }

  /**
   * scan(), plus a date alone, `yyyy-mm-dd`, read as its midnight, with the zone a time may
   * have (`2015-05-17+02:00`, `2015-05-17 +0200`; none means UTC): a shape people write (a
   * query's time literal) but that scan() must not take, since a log line whose first column
   * is a date alone does not start with a timestamp. Tried only after scan() fails, so the
   * shapes of log text are read exactly as scan() reads them.
   */
  scanDateOrTime(buf: Buffer, start: number, limit: number, out: TimeOut): number {
    const end = this.scan(buf, start, limit, out);
    return end >= 0 ? end : this.scanDate(buf, start, limit, out);
  }

  /** A date alone at p, as its midnight; the end, or -1. */
  private scanDate(buf: Buffer, p: number, limit: number, out: TimeOut): number {
    if (p + 10 > limit || buf[p + 4] !== 0x2d || buf[p + 7] !== 0x2d) return -1;
    if (!this.sameDateAsCached(buf, p) && !this.fillCache(buf, p)) return -1;
    const zoneEnd = scanZone(buf, p + 10, limit);
    const offset = zoneEnd > 0 ? zoneOffset : 0;
    out.ms = this.cachedDays * 86_400_000 - offset * 60_000;
    out.offsetMinutes = offset;
    return zoneEnd > 0 ? zoneEnd : p + 10;
  }

  /**
   * The shape nearly every application log writes, `yyyy-mm-ddThh:mm:ss.fff` then `Z` or a space
   * (`T` may be a space, `.` a comma), of the date seen last, checked at fixed positions: small
   * enough for V8 to inline into the caller's loop, unlike scanAny. Returns what scanAny would
   * (the same end and instant) when the text has that shape, else UNUSUAL, and scanAny decides.
   */
  private scanUsual(buf: Buffer, p: number, limit: number, out: TimeOut): number {
    if (p + 24 > limit || !this.sameDateAsCached(buf, p)) return UNUSUAL;
    const sep = buf[p + 10];
    const dot = buf[p + 19];
    if ((sep !== 0x54 && sep !== 0x20) || buf[p + 13] !== 0x3a || buf[p + 16] !== 0x3a || (dot !== 0x2e && dot !== 0x2c)) {
      return UNUSUAL;
    }
    const hour = twoDigits(buf, p + 11);
    const minute = twoDigits(buf, p + 14);
    const second = twoDigits(buf, p + 17);
    const fraction = twoDigits(buf, p + 20);
    const third = buf[p + 22] - 0x30;
    // Byte 23 ends the fraction: `Z` (UTC), or a space not followed by a zone's sign.
    const after = buf[p + 23];
    let end: number;
    if (after === 0x5a) end = p + 24;
    else if (after === 0x20 && (p + 24 === limit || (buf[p + 24] !== 0x2b && buf[p + 24] !== 0x2d))) end = p + 23;
    else return UNUSUAL;
    if (hour < 0 || minute < 0 || second < 0 || fraction < 0 || !(third >= 0 && third <= 9)) return UNUSUAL;
    if (hour > 23 || minute > 59 || second > 60) return UNUSUAL;
    out.ms = this.cachedDays * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + fraction * 10 + third;
    out.offsetMinutes = 0;
    return end;
  }

  /** Any shape scan() accepts. */
  private scanAny(buf: Buffer, start: number, limit: number, out: TimeOut): number {
    const p = start;
    if (p + 16 > limit) return -1;
    if (buf[p + 4] !== 0x2d || buf[p + 7] !== 0x2d || buf[p + 13] !== 0x3a) return -1;
    const sep = buf[p + 10];
    if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return -1;
    const hour = twoDigits(buf, p + 11);
    const minute = twoDigits(buf, p + 14);
    if (hour < 0 || minute < 0 || hour > 23 || minute > 59) return -1;
    if (!this.sameDateAsCached(buf, p) && !this.fillCache(buf, p)) return -1;
    let q = p + 16;
    let second = 0;
    let millis = 0;
    if (q + 3 <= limit && buf[q] === 0x3a) {
      second = twoDigits(buf, q + 1);
      if (second < 0 || second > 60) return -1;
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
    let offset = 0;
    if (q < limit && (buf[q] === 0x5a || buf[q] === 0x7a)) {
      q++; // `Z`, the usual zone, without a call
    } else {
      const zoneEnd = scanZone(buf, q, limit);
      if (zoneEnd > 0) {
        offset = zoneOffset;
        q = zoneEnd;
      }
    }
    out.ms =
      this.cachedDays * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis - offset * 60_000;
    out.offsetMinutes = offset;
    return q;
  }

  private sameDateAsCached(buf: Buffer, p: number): boolean {
    // Unrolled: this runs for every line of an application log. All 10 bytes, the two `-`
    // included: scanUsual relies on this comparison alone for the date's shape.
    const key = this.cachedDate;
    return (
      buf[p] === key[0] && buf[p + 1] === key[1] && buf[p + 2] === key[2] && buf[p + 3] === key[3] &&
      buf[p + 4] === key[4] && buf[p + 5] === key[5] && buf[p + 6] === key[6] && buf[p + 7] === key[7] &&
      buf[p + 8] === key[8] && buf[p + 9] === key[9] &&
      this.cachedDays === this.cachedDays // not NaN: the cache holds something
    );
  }

  /** Validates the date at p (yyyy-mm-dd, a real day) and caches it; false when it is not one. */
  private fillCache(buf: Buffer, p: number): boolean {
    const year = fourDigits(buf, p);
    const month = twoDigits(buf, p + 5);
    const day = twoDigits(buf, p + 8);
    if (year < 0 || month < 0 || day < 0 || !validDateTime(year, month, day, 0, 0, 0)) return false;
    this.cachedDays = daysFromCivil(year, month, day);
    for (let i = 0; i < 10; i++) this.cachedDate[i] = buf[p + i];
    return true;
  }
}

/** scanUsual: "not the usual shape, ask scanAny" (never an index). */
const UNUSUAL = -2;

/** Offset found by the last successful scanZone (a module slot, so scanZone need not allocate). */
let zoneOffset = 0;

/** Minutes east of UTC of the zone the last successful scanZone read. */
export function scannedZoneOffset(): number {
  return zoneOffset;
}

/**
 * Scans a zone designator at q: `Z`, `+hh`, `+hhmm`, `+hh:mm` (or `-`), optionally after one
 * space when it has four digits (`2024-01-02 03:04:05 +0100`). Returns the end, or -1; on
 * success scannedZoneOffset() is its offset. The one zone grammar: CLF's slow path uses it too.
 */
export function scanZone(buf: Buffer, q: number, limit: number): number {
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
