import { BACKSLASH, DASH, DOT, isDigit } from '../bytes.js';
import type { ScanKind } from './template.js';

/**
 * Scan kinds as small integers, shared by the two matchers (matcher.ts, forward-matcher.ts) so
 * their hot loops switch on a number instead of comparing strings.
 */
export const TOKEN = 0;
export const TEXT = 1;
export const INT = 2;
export const SIZE = 3;
export const DECIMAL = 4;
export const NUMLIST = 5;
export const CLF_TIME = 6;
export const ISO_TIME = 7;
export const STRFTIME_TIME = 8;
export const EPOCH_TIME = 9;

export const KIND_CODES: Record<ScanKind, number> = {
  token: TOKEN,
  text: TEXT,
  int: INT,
  size: SIZE,
  decimal: DECIMAL,
  numlist: NUMLIST,
  clf_time: CLF_TIME,
  iso_time: ISO_TIME,
  strftime_time: STRFTIME_TIME,
  epoch_time: EPOCH_TIME,
};

/** True when the byte at p is preceded (within [start, p)) by an odd number of backslashes. */
export function escaped(buf: Buffer, start: number, p: number): boolean {
  let count = 0;
  for (let q = p - 1; q >= start && buf[q] === BACKSLASH; q--) count++;
  return (count & 1) === 1;
}

/** Where scanNumber leaves the value it read (a slot, so that scanning allocates nothing). */
export const scannedNumber = new Float64Array(1);

/**
 * Scans the number field of `kind` (INT, SIZE, DECIMAL, EPOCH_TIME) at buf[start, e): digits,
 * with a fraction for decimals and epoch times, or `-` (no value; zero bytes for a size) for any
 * but INT. Returns the end and leaves the value in scannedNumber[0]; -1 when no number starts
 * there. Both matchers read numbers through this (the forward one inlines INT and SIZE).
 */
export function scanNumber(buf: Buffer, start: number, e: number, kind: number): number {
  let p = start;
  let value: number;
  if (kind !== INT && p < e && buf[p] === DASH && (p + 1 === e || !isDigit(buf[p + 1]))) {
    value = kind === SIZE ? 0 : NaN;
    p++;
  } else {
    value = 0;
    while (p < e && isDigit(buf[p])) value = value * 10 + (buf[p++] - 0x30);
    if (p === start) return -1;
    if ((kind === DECIMAL || kind === EPOCH_TIME) && p < e && buf[p] === DOT) {
      p++;
      // All digits as one integer, then one division: correctly rounded, like parseFloat.
      let scale = 1;
      while (p < e && isDigit(buf[p])) {
        value = value * 10 + (buf[p++] - 0x30);
        scale *= 10;
      }
      value /= scale;
    }
  }
  scannedNumber[0] = value;
  return p;
}
