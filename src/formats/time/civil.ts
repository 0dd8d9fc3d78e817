/**
 * Calendar arithmetic shared by the time parsers, plus the out-parameter they fill so that
 * parsing a time allocates nothing (an Instant is only built when a Value is asked for).
 */

/** Where a time parser writes its result. */
export interface TimeOut {
  /** Milliseconds since the Unix epoch (UTC). */
  ms: number;
  /** UTC offset the text was written with, in minutes. */
  offsetMinutes: number;
}

/** The range of a JavaScript Date: ±8.64e15 ms around the epoch (about ±275,000 years). */
const MAX_TIME_MS = 8.64e15;

/** True when `ms` is an instant a Date can hold, so it prints as a real date. */
export function isRepresentableMs(ms: number): boolean {
  return ms >= -MAX_TIME_MS && ms <= MAX_TIME_MS;
}

export function newTimeOut(): TimeOut {
  return { ms: NaN, offsetMinutes: 0 };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the fields form a real date and time of day (leap seconds allowed as :60). */
export function validDateTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return hour <= 23 && minute <= 59 && second <= 60;
}

/**
 * Month number (1-12) of a three-letter English abbreviation at buf[p..p+3), any case; 0 when it
 * is not one. Packs the letters into one integer so the lookup is a switch, not string work.
 */
export function monthFromAbbrev(buf: Buffer, p: number): number {
  const key = ((buf[p] | 0x20) << 16) | ((buf[p + 1] | 0x20) << 8) | (buf[p + 2] | 0x20);
  switch (key) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/** Value of two ASCII digits at buf[p], or -1. */
export function twoDigits(buf: Buffer, p: number): number {
  const a = buf[p] - 0x30;
  const b = buf[p + 1] - 0x30;
  // Written so that NaN (a read past the buffer's end) also fails.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/** Value of four ASCII digits at buf[p], or -1. */
export function fourDigits(buf: Buffer, p: number): number {
  const hi = twoDigits(buf, p);
  const lo = twoDigits(buf, p + 2);
  return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
}
