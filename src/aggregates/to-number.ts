import type { Value } from '../core/value.js';

/**
 * The number a value stands for in numeric aggregates (avg, percentile), or NaN when it has none:
 * null, booleans, Instants, empty or non-numeric strings. Numeric strings count because JSON and
 * logfmt logs often quote numbers.
 */
export function toNumber(value: Value): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return stringToNumber(value);
  return NaN;
}

function stringToNumber(s: string): number {
  const x = +s;
  // `+""` and `+"  "` are 0 in JavaScript; an empty field is absent, not zero.
  if (x === 0 && s.trim() === '') return NaN;
  return x;
}

