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

/** A literal as the Value it stands for. */
export function literalValue(lit: Literal): Value {
  return lit.value;
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
  if (isNumeric(a) || isNumeric(b)) return compareNumbers(op, toNumber(a), toNumber(b));
  return compareStrings(op, toText(a), toText(b));
}
