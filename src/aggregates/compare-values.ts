import { Instant, type Value } from '../core/value.js';

/**
 * A total, deterministic order over all values, so sorting a column of mixed kinds gives the
 * same result every run:
 *
 *   null < booleans (false < true) < numbers and bigints (by value) < Instants (by ms) < strings
 *
 * NaN sorts before every other number and equals itself. Numbers and bigints compare exactly
 * (JavaScript's `<` between number and bigint is exact). Strings compare by UTF-16 code units,
 * not by locale: fast, and the same on every machine.
 *
 * It lives with the aggregates (min and max use it) and the sort operators import it from here,
 * following the layer order: operators may import aggregates, not the reverse.
 */
export function compareValues(a: Value, b: Value): number {
  // Fast paths for the common same-kind cases.
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const ka = kindRank(a);
  const kb = kindRank(b);
  if (ka !== kb) return ka - kb;
  switch (ka) {
    case RANK_NULL:
      return 0;
    case RANK_BOOLEAN:
      return Number(a) - Number(b);
    case RANK_NUMBER:
      return compareNumeric(a as number | bigint, b as number | bigint);
    case RANK_INSTANT:
      return compareNumbers((a as Instant).ms, (b as Instant).ms);
    default:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  }
}

const RANK_NULL = 0;
const RANK_BOOLEAN = 1;
const RANK_NUMBER = 2;
const RANK_INSTANT = 3;
const RANK_STRING = 4;

function kindRank(v: Value): number {
  if (v == null) return RANK_NULL;
  switch (typeof v) {
    case 'boolean':
      return RANK_BOOLEAN;
    case 'number':
    case 'bigint':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    default:
      return v instanceof Instant ? RANK_INSTANT : RANK_STRING;
  }
}

function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN first, NaN equals NaN.
  const an = a !== a;
  const bn = b !== b;
  return an === bn ? 0 : an ? -1 : 1;
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1;
  if (a > b) return 1;
  // Equal, or a NaN is involved (bigints are never NaN).
  const an = typeof a === 'number' && a !== a;
  const bn = typeof b === 'number' && b !== b;
  return an === bn ? 0 : an ? -1 : 1;
}
