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
  private readonly scratch = newScratch();

  /** Parses buf[start, end) whole; false when it is not a time. */
  parseBytes(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
    if (end - start === CLF_TIME_LENGTH && buf[start + 2] === 0x2f) return this.clf.parse(buf, start, end, out);
    if (end - start >= 16 && buf[start + 4] === 0x2d) return this.iso.scan(buf, start, end, out) === end;
    if (end > start && isDigit(buf[start])) return epochToTime(parseDecimal(buf, start, end), out);
    return false;
  }

  /** Parses a decoded string (copied into a reused scratch buffer, so no allocation). */
  parseText(text: string, out: TimeOut): boolean {
    const n = encodeText(this.scratch, text);
    return n >= 0 && this.parseBytes(this.scratch, 0, n, out);
  }
}

/**
 * Reads a time a person wrote: a query's string compared with a time field, or a string bin()
 * reads as a time. The grammar of log text (IsoTimeScanner.scan, ClfTimeParser.parse) plus the
 * shapes people write and logs do not: a date alone (`2015-05-17`, its midnight, UTC unless a
 * zone follows), CLF with a one-digit day, without a zone or with `+hh:mm`. Not epoch numbers, unlike LooseTimeParser, which reads a
 * JSON field's digits as seconds or milliseconds: a query names a time the way it is printed,
 * and a bare number against a time field is already an error asking for a quoted time, so
 * `"1431856800"` in quotes is not one either (seconds or milliseconds would be a guess).
 */
export class TimeLiteralParser {
  private readonly iso = new IsoTimeScanner();
  private readonly clf = new ClfTimeParser();
  private readonly scratch = newScratch();

  /** Parses buf[start, end) whole; false when it is not a time. */
  parseBytes(buf: Buffer, start: number, end: number, out: TimeOut): boolean {
    if (end - start >= 10 && buf[start + 4] === 0x2d) return this.iso.scanDateOrTime(buf, start, end, out) === end;
    return this.clf.parseAny(buf, start, end, out);
  }

  /** Parses a decoded string (copied into a reused scratch buffer, so no allocation). */
  parseText(text: string, out: TimeOut): boolean {
    const n = encodeText(this.scratch, text);
    return n >= 0 && this.parseBytes(this.scratch, 0, n, out);
  }
}

/** Longer text is not a time (the longest shapes are ~40 bytes with a nanosecond fraction). */
const MAX_TEXT_LENGTH = 256;

/** Room for the longest text encodeText writes: a UTF-16 unit is at most 3 bytes of UTF-8. */
function newScratch(): Buffer {
  return Buffer.alloc(MAX_TEXT_LENGTH * 3);
}

/**
 * Writes text into scratch as UTF-8; the byte count, or -1 when it is too long to be a time.
 * Not latin1, which keeps only the low byte of a character past U+00FF (`İ`, U+0130, would read
 * as `0`): in UTF-8 every non-ASCII character is bytes >= 0x80, which no time contains.
 */
function encodeText(scratch: Buffer, text: string): number {
  return text.length > MAX_TEXT_LENGTH ? -1 : scratch.write(text, 0, 'utf8');
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
