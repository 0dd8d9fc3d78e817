/**
 * Time literals in queries: the text of a string compared with a `time` field.
 *
 * Accepted:
 * - ISO-8601: `2015-05-17T10:00:00Z`, `2015-05-17T10:00:00.250+02:00`, `2015-05-17T10:00+0200`,
 *   a space instead of `T`, and date-only `2015-05-17` (midnight UTC). No zone means UTC.
 * - CLF (access logs): `17/May/2015:10:00:00 +0000` (no zone means UTC).
 */
import { Instant } from '../core/value.js';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const CLF = /^(\d{1,2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\s+([+-]\d{2}:?\d{2}))?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The instant written in `text`, or null when it is not a valid ISO-8601 or CLF time. */
export function parseInstant(text: string): Instant | null {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const fraction = m[7] ?? '';
    const millis = fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
    return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), millis, m[8]);
  }
  m = CLF.exec(s);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    if (month === 0) return null;
    return build(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, 0, m[7]);
  }
  return null;
}

function build(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  zone: string | undefined,
): Instant | null {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const offset = parseOffset(zone);
  if (offset === null) return null;
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  // Dates roll 31 April over to 1 May: reject instead of silently moving the day.
  if (date.getUTCDate() !== day) return null;
  const local = date.getTime();
  return new Instant(local - offset * 60_000, offset);
}

/** Minutes east of UTC, or null when out of range. */
function parseOffset(zone: string | undefined): number | null {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  const total = hours * 60 + minutes;
  return zone[0] === '-' ? -total : total;
}
