import { BACKSLASH } from '../bytes.js';
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
