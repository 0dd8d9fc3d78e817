/**
 * What comparisons mean, in one place, so the batch path (FieldReaders) and the row path (after
 * an aggregate) agree:
 * - a missing value (null / undefined / NaN from num) makes every comparison false, except `!=`
 *   (and `not in`), which are true;
 * - numbers, bigints and Instants compare numerically (Instants by epoch ms); a numeric string
 *   compared with a number is read as a number;
 * - strings compare by UTF-16 code units (JS `<`), booleans only by equality.
 */
import { Instant, type Value } from '../core/value.js';
import type { CompareOp, Literal } from './ast.js';
import { parseInstant } from './time-literal.js';

export function compareNumbers(op: CompareOp, x: number, y: number): boolean {
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y; // NaN (missing) != anything is true
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

/**
 * Numbers and bigints compared exactly: JavaScript's relational operators and loose equality are
 * exact between a bigint and a number (`2n ** 64n == 18446744073709551616` is true, and no double
 * rounding takes place).
 */
export function compareMixed(op: CompareOp, x: number | bigint, y: number | bigint): boolean {
  switch (op) {
    case '==':
      // eslint-disable-next-line eqeqeq -- loose equality is the exact bigint/number comparison
      return x == y;
    case '!=':
      // eslint-disable-next-line eqeqeq
      return x != y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
}

export function compareStrings(op: CompareOp, a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return op === '!=';
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** `a op b` is `b flip(op) a`. */
export function flip(op: CompareOp): CompareOp {
  switch (op) {
    case '<':
      return '>';
    case '<=':
      return '>=';
    case '>':
      return '<';
    case '>=':
      return '<=';
    default:
      return op;
  }
}

/** A literal as the Value it stands for (an integer past 2^53 as its exact bigint). */
export function literalValue(lit: Literal): Value {
  if (lit.kind === 'number') return exactInteger(lit.text) ?? lit.value;
  return lit.value;
}

const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

/** The digits of an integer literal past 2^53 as a bigint; null for any other number. */
export function exactInteger(text: string): bigint | null {
  if (!/^-?\d+$/.test(text)) return null;
  const value = BigInt(text);
  return value > MAX_SAFE_BIGINT || value < -MAX_SAFE_BIGINT ? value : null;
}

/** Text form of a literal for text operators: numbers as written, times as written. */
export function literalText(lit: Literal): string {
  switch (lit.kind) {
    case 'string':
      return lit.value;
    case 'number':
    case 'time':
      return lit.text;
    case 'bool':
      return String(lit.value);
  }
}

/** Numeric reading of a value; NaN when absent or not numeric. */
export function toNumber(v: Value | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Instant) return v.ms;
  if (typeof v === 'string') return v.trim() === '' ? NaN : Number(v);
  return NaN;
}

/** Text of a value for text operators and regexes; undefined when absent. */
export function toText(v: Value | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : String(v);
}

function isNumeric(v: Value): boolean {
  return typeof v === 'number' || typeof v === 'bigint' || v instanceof Instant;
}

/** `a op b` over decoded values (row phase, constant folding). */
export function satisfiesComparison(op: CompareOp, a: Value | undefined, b: Value | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return op === '!=';
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    if (op === '==') return a === b;
    if (op === '!=') return a !== b;
    return false;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(op, a, b);
  // An Instant against a string (a time literal typecheck did not see): read the string as a time.
  if (a instanceof Instant && typeof b === 'string') return compareNumbers(op, a.ms, parseInstant(b)?.ms ?? NaN);
  if (b instanceof Instant && typeof a === 'string') return compareNumbers(op, parseInstant(a)?.ms ?? NaN, b.ms);
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const x = typeof a === 'bigint' ? a : toNumber(a);
    const y = typeof b === 'bigint' ? b : toNumber(b);
    if (x !== x || y !== y) return op === '!='; // NaN: missing or not numeric
    return compareMixed(op, x, y);
  }
  if (isNumeric(a) || isNumeric(b)) return compareNumbers(op, toNumber(a), toNumber(b));
  return compareStrings(op, toText(a), toText(b));
}
