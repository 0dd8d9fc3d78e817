import { isDigit, parseDecimal } from '../bytes.js';
import { isRepresentableMs, type TimeOut } from './civil.js';
import { CLF_TIME_LENGTH, ClfTimeParser } from './clf-time.js';
import { IsoTimeScanner } from './iso-time.js';

/**
 * Reads a time written in any of the shapes logs use for a time value whose shape is not known
 * in advance (JSON and logfmt fields): ISO-8601 (zone optional, UTC when absent), CLF
 * (`17/May/2015:08:05:32 +0000`), or epoch seconds / milliseconds.
 */
export class LooseTimeParser {
  private readonly iso = new IsoTimeScanner();
  private readonly clf = new ClfTimeParser();
  private scratch = Buffer.alloc(64);

  /** Parses buf[start, end) whole; false when it is not a time. */
  parseBytes(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
    if (end - start === CLF_TIME_LENGTH && buf[start + 2] === 0x2f) return this.clf.parse(buf, start, end, out);
    if (end - start >= 16 && buf[start + 4] === 0x2d) return this.iso.scan(buf, start, end, out) === end;
    if (end > start && isDigit(buf[start])) return epochToTime(parseDecimal(buf, start, end), out);
    return false;
  }

  /** Parses a decoded string (copied into a reused scratch buffer, so no allocation). */
  parseText(text: string, out: TimeOut): boolean {
    if (text.length > this.scratch.length) {
      if (text.length > 256) return false;
      this.scratch = Buffer.alloc(text.length * 2);
    }
    const n = this.scratch.write(text, 0, 'latin1');
    return this.parseBytes(this.scratch, 0, n, out);
  }
}

/**
 * An epoch number as a time: seconds when below 1e11 (which, read as seconds, is the year 5138),
 * else milliseconds. Fractions of seconds are kept to the millisecond.
 */
export function epochToTime(value: number, out: TimeOut): boolean {
  if (!Number.isFinite(value) || value < 0) return false;
  const ms = value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  if (!isRepresentableMs(ms)) return false;
  out.ms = ms;
  out.offsetMinutes = 0;
  return true;
}
