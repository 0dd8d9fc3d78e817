/**
 * Values that flow through queries once a field is decoded.
 * - numbers are JS numbers; exact integer sums past 2^53 use bigint;
 * - times are Instants: epoch milliseconds plus the UTC offset the log wrote them with.
 */
export type Value = string | number | bigint | boolean | Instant | null;

export class Instant {
  constructor(
    /** Milliseconds since the Unix epoch (UTC). Comparisons use this. */
    readonly ms: number,
    /** The UTC offset, in minutes, the source wrote the time with (e.g. -240 for -0400). */
    readonly offsetMinutes: number,
  ) {}

  valueOf(): number {
    return this.ms;
  }

  /** ISO-8601 in the original offset, e.g. 1995-07-01T00:00:01-04:00. */
  toString(): string {
    return formatIsoWithOffset(this.ms, this.offsetMinutes);
  }

  toJSON(): string {
    return this.toString();
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function formatIsoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000);
  const millis = local.getUTCMilliseconds();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = offsetMinutes === 0 ? 'Z' : `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  return (
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    (millis ? `.${pad(millis, 3)}` : '') +
    zone
  );
}
