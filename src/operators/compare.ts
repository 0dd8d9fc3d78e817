import type { Row } from '../core/row.js';
import { compareValues } from '../aggregates/compare-values.js';

export { compareValues };

/** One sort key: a column index and its direction. `desc` reverses the whole order, nulls included. */
export interface SortKey {
  readonly index: number;
  readonly desc?: boolean;
}

/** Compares two rows by the keys in turn; 0 when all keys are equal. */
export function makeRowComparator(keys: readonly SortKey[]): (a: Row, b: Row) => number {
  if (keys.length === 1) {
    const { index, desc } = keys[0];
    return desc
      ? (a, b) => compareValues(b[index] ?? null, a[index] ?? null)
      : (a, b) => compareValues(a[index] ?? null, b[index] ?? null);
  }
  return (a, b) => {
    for (const { index, desc } of keys) {
      const c = compareValues(a[index] ?? null, b[index] ?? null);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  };
}
