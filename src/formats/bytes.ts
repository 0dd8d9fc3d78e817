/**
 * Byte-level helpers shared by the parsers. Everything here works on a Buffer and a [start, end)
 * range inside it, never on strings, and never allocates: these run once or more per line.
 */

export const SPACE = 0x20;
export const TAB = 0x09;
export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const COLON = 0x3a;
export const EQUALS = 0x3d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
export const QUESTION = 0x3f;

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** True when `lit` occurs in `buf` at `pos` and fits before `end`. */
export function matchesAt(buf: Buffer, pos: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  if (pos + n > end) return false;
  for (let i = 0; i < n; i++) if (buf[pos + i] !== lit[i]) return false;
  return true;
}

/**
 * First index in [from, end) where `lit` starts, or -1. A plain loop rather than Buffer.indexOf
 * because indexOf cannot be bounded by `end`: on a line that lacks the literal it would scan the
 * rest of a 1 MiB batch.
 */
export function findLiteral(buf: Buffer, from: number, end: number, lit: Uint8Array): number {
  const n = lit.length;
  if (n === 0) return from <= end ? from : -1;
  const first = lit[0];
  const last = end - n;
  for (let p = from; p <= last; p++) {
    if (buf[p] !== first) continue;
    let i = 1;
    while (i < n && buf[p + i] === lit[i]) i++;
    if (i === n) return p;
  }
  return -1;
}

/** Index of the first `byte` in [from, end), or -1. */
export function findByte(buf: Buffer, from: number, end: number, byte: number): number {
  for (let p = from; p < end; p++) if (buf[p] === byte) return p;
  return -1;
}

/** Index of the last `byte` in [from, end), or -1. */
export function findLastByte(buf: Buffer, from: number, end: number, byte: number): number {
  for (let p = end - 1; p >= from; p--) if (buf[p] === byte) return p;
  return -1;
}

/**
 * Parses a plain decimal number (`-12`, `3.25`, `1e3`) in buf[start, end); NaN when the range is
 * empty or is not entirely a number. Integers and short fractions are computed from the digits
 * (exactly, and correctly rounded since both operands of the division are exact); exponents fall
 * back to Number() on the decoded text, which is rare enough not to matter.
 */
export function parseDecimal(buf: Buffer, start: number, end: number): number {
  let p = start;
  let negative = false;
  if (p < end && (buf[p] === DASH || buf[p] === 0x2b)) {
    negative = buf[p] === DASH;
    p++;
  }
  const digitsStart = p;
  let mantissa = 0;
  while (p < end && isDigit(buf[p])) mantissa = mantissa * 10 + (buf[p++] - 0x30);
  let intDigits = p - digitsStart;
  let scale = 1;
  if (p < end && buf[p] === DOT) {
    p++;
    const fracStart = p;
    while (p < end && isDigit(buf[p])) {
      mantissa = mantissa * 10 + (buf[p++] - 0x30);
      scale *= 10;
    }
    intDigits += p - fracStart;
  }
  if (intDigits === 0) return NaN;
  if (p < end) {
    if (buf[p] !== 0x65 && buf[p] !== 0x45) return NaN;
    return Number(buf.toString('latin1', start, end));
  }
  if (intDigits > 15 || scale > 1e22) {
    return Number(buf.toString('latin1', start, end));
  }
  const value = scale === 1 ? mantissa : mantissa / scale;
  return negative ? -value : value;
}

/** Number() of a string, but NaN (not 0) for empty or blank text. */
export function numberFromText(text: string): number {
  if (text.length === 0 || text.trim().length === 0) return NaN;
  return Number(text);
}

/**
 * A number's exact value from text: a bigint for integers past 2^53 (so sums and comparisons of
 * huge counters stay exact), else a number; NaN for empty or non-numeric text.
 */
export function exactNumberFromText(text: string): number | bigint {
  const x = numberFromText(text);
  if (Number.isInteger(x) && !Number.isSafeInteger(x)) {
    const trimmed = text.trim();
    if (/^[-+]?\d+$/.test(trimmed)) return BigInt(trimmed);
  }
  return x;
}

/** The exact integer written in buf[start, end) when it is past 2^53, else null (see exactNumberFromText). */
export function exactIntegerAt(buf: Buffer, start: number, end: number): bigint | null {
  let p = start;
  if (p < end && (buf[p] === DASH || buf[p] === 0x2b)) p++;
  if (p === end) return null;
  for (let q = p; q < end; q++) if (!isDigit(buf[q]!)) return null;
  const value = BigInt(buf.toString('latin1', start, end));
  return value > MAX_SAFE_BIGINT || value < -MAX_SAFE_BIGINT ? value : null;
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
