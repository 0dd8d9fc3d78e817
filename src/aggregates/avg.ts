import type { Aggregate } from './aggregate.js';
import { sumTotal, type SumAccumulator } from './exact-sum.js';
import { sumAggregate } from './sum.js';

/**
 * avg: the mean of the numeric values, as a float; null when there were none. The total is kept
 * with the exact sum accumulator, so large integer totals do not lose precision before dividing.
 */
export function avgAggregate(name: string): Aggregate<SumAccumulator> {
  // Same state, adds and merges as sum; only the result differs.
  return {
    ...sumAggregate(name),
    result(acc) {
      if (acc.n === 0) return null;
      return Number(sumTotal(acc)) / acc.n;
    },
  };
}
