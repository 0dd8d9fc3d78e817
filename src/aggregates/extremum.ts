import type { Value } from '../core/value.js';
import { compareValues } from './compare-values.js';
import type { Aggregate } from './aggregate.js';

/** The best value so far; null until a value arrives. Mutated in place. */
export interface ExtremumState {
  best: Value;
}

/**
 * min and max share this: numbers compare as numbers, strings by code units, Instants by their
 * instant (the result keeps the offset it was written with). A column mixing kinds follows the
 * total order of compareValues (numbers < Instants < strings). Absent values (null, NaN) are
 * skipped; the result is null when nothing was added.
 *
 * `sign` is -1 for min (keep values that compare lower), +1 for max.
 */
export function extremumAggregate(name: string, sign: -1 | 1): Aggregate<ExtremumState> {
  const better = (candidate: Value, best: Value): boolean =>
    best === null || compareValues(candidate, best) * sign > 0;

  const addNumber = (state: ExtremumState, x: number): ExtremumState => {
    if (x !== x) return state;
    const best = state.best;
    if (typeof best === 'number' ? (sign < 0 ? x < best : x > best) : better(x, best)) state.best = x;
    return state;
  };

  return {
    name,
    init: () => ({ best: null }),
    add(state, value) {
      if (typeof value === 'number') return addNumber(state, value);
      if (value !== null && better(value, state.best)) state.best = value;
      return state;
    },
    addNumber,
    merge(a, b) {
      if (b.best !== null && better(b.best, a.best)) a.best = b.best;
      return a;
    },
    result: (state) => state.best,
  };
}
