import { daysFromCivil, twoDigits, validDateTime, type TimeOut } from './civil.js';

/** Bytes of `yy/MM/dd HH:mm:ss`. */
export const SHORT_DATE_TIME_LENGTH = 17;

/**
 * log4j's `%d{yy/MM/dd HH:mm:ss}`, the layout Spark (and many log4j setups) write:
 * `17/06/09 20:10:40`. Checked at fixed positions. Two-digit years pivot as strftime's `%y` does
 * (69-99 are 19xx, 00-68 20xx); no zone is written, so it is read as UTC like every zoneless time.
 * Returns the end, or -1.
 */
export function scanShortDateTime(buf: Buffer, p: number, limit: number, out: TimeOut): number {
  if (p + SHORT_DATE_TIME_LENGTH > limit) return -1;
  if (buf[p + 2] !== 0x2f || buf[p + 5] !== 0x2f || buf[p + 8] !== 0x20 || buf[p + 11] !== 0x3a || buf[p + 14] !== 0x3a) return -1;
  const yy = twoDigits(buf, p);
  const month = twoDigits(buf, p + 3);
  const day = twoDigits(buf, p + 6);
  const hour = twoDigits(buf, p + 9);
  const minute = twoDigits(buf, p + 12);
  const second = twoDigits(buf, p + 15);
  if (yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return -1;
  const year = yy < 69 ? 2000 + yy : 1900 + yy;
  if (!validDateTime(year, month, day, hour, minute, second)) return -1;
  out.ms = daysFromCivil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000;
  out.offsetMinutes = 0;
  return p + SHORT_DATE_TIME_LENGTH;
}
