import type { Value } from '../core/value.js';
import type { Aggregate } from './aggregate.js';
import { mergeSum, newSum, sumBigInt, sumNumber, sumTotal, type SumAccumulator } from './exact-sum.js';
import { toNumber } from './to-number.js';

/**
 * avg: the mean of the numeric values, as a float; null when there were none. The total is kept
 * with the exact sum accumulator, so large integer totals do not lose precision before dividing.
 */
export function avgAggregate(name: string): Aggregate<SumAccumulator> {
  return {
    name,
    init: newSum,
    add(acc, value: Value) {
      if (typeof value === 'bigint') sumBigInt(acc, value);
      else sumNumber(acc, toNumber(value));
      return acc;
    },
    addNumber(acc, x) {
      sumNumber(acc, x);
      return acc;
    },
    merge(a, b) {
      mergeSum(a, b);
      return a;
    },
    result(acc) {
      if (acc.n === 0) return null;
      return Number(sumTotal(acc)) / acc.n;
    },
  };
}
