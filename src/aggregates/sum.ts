import type { Value } from '../core/value.js';
import type { Aggregate } from './aggregate.js';
import { decodeSum, encodeSum, mergeSum, newSum, sumBigInt, sumNumber, sumTotal, type SumAccumulator } from './exact-sum.js';
import { toNumber } from './to-number.js';

/**
 * sum: exact for integers past 2^53 (the result becomes a bigint there), floats sum as floats.
 * Values that are not numbers (absent, text, times) are skipped. The sum of no values is 0,
 * so per-group sums add up to the overall sum.
 */
export function sumAggregate(name: string): Aggregate<SumAccumulator> {
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
    result: sumTotal,
    encode: encodeSum,
    decode: decodeSum,
  };
}
