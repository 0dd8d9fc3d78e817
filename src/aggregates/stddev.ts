import type { Value } from '../core/value.js';
import type { Aggregate } from './aggregate.js';
import { expectArray, expectCount, fail } from './codec.js';
import { toNumber } from './to-number.js';

/** Count, mean and sum of squared deviations from the mean (Welford). Mutated in place. */
export interface SpreadState {
  n: number;
  mean: number;
  m2: number;
}

/**
 * stddev: the sample standard deviation (divided by n - 1, as awk one-liners, spreadsheets and
 * SQL's stddev do) of the numeric values; null for fewer than two. Welford's update keeps it
 * accurate when the mean is large against the spread (timestamps, byte counts), where the
 * sum-of-squares formula cancels to noise; parts merge with Chan's formula, so a split input
 * agrees with one pass to within rounding.
 */
export function stddevAggregate(name: string): Aggregate<SpreadState> {
  const addNumber = (s: SpreadState, x: number): SpreadState => {
    if (x !== x || x === Infinity || x === -Infinity) return s;
    s.n++;
    const delta = x - s.mean;
    s.mean += delta / s.n;
    s.m2 += delta * (x - s.mean);
    return s;
  };
  return {
    name,
    init: () => ({ n: 0, mean: 0, m2: 0 }),
    add: (s, value: Value) => addNumber(s, toNumber(value)),
    addNumber,
    merge(a, b) {
      if (b.n === 0) return a;
      if (a.n === 0) {
        a.n = b.n;
        a.mean = b.mean;
        a.m2 = b.m2;
        return a;
      }
      const n = a.n + b.n;
      const delta = b.mean - a.mean;
      a.m2 += b.m2 + (delta * delta * a.n * b.n) / n;
      a.mean += (delta * b.n) / n;
      a.n = n;
      return a;
    },
    result: (s) => (s.n < 2 ? null : Math.sqrt(s.m2 / (s.n - 1))),
    encode: (s) => [s.n, s.mean, s.m2],
    decode(data) {
      const [n, mean, m2] = expectArray(data, 'stddev state', 3);
      if (typeof mean !== 'number' || typeof m2 !== 'number' || !(m2 >= 0)) fail('stddev state', 'not numbers');
      return { n: expectCount(n, 'stddev state'), mean, m2 };
    },
  };
}
