import { createRequire } from 'node:module';
import type { DDSketch } from '@datadog/sketches-js';
import type { Value } from '../core/value.js';
import { DEFAULT_EXACT_LIMIT, type Aggregate } from './aggregate.js';
import { toNumber } from './to-number.js';

const RELATIVE_ACCURACY = 0.01;

/**
 * The sketch library is loaded the first time a percentile outgrows its exact phase: most runs
 * never get there, and loading it costs about 10 ms of every start-up.
 */
let DDSketchClass: typeof DDSketch | null = null;
function newSketch(): DDSketch {
  DDSketchClass ??= (createRequire(import.meta.url)('@datadog/sketches-js') as { DDSketch: typeof DDSketch }).DDSketch;
  return new DDSketchClass({ relativeAccuracy: RELATIVE_ACCURACY });
}

/**
 * Exact (the values themselves, in a growable Float64Array) until more than `limit` values were
 * added, then a DDSketch. Exactly one of `values` and `sketch` is non-null.
 */
export interface PercentileState {
  values: Float64Array | null;
  /** How many entries of `values` are in use (0 once the sketch took over). */
  n: number;
  sketch: DDSketch | null;
}

/**
 * percentile(q), the query language's pNN: the nearest-rank percentile.
 *
 * Definition (exact mode): with the n values sorted ascending as v[0..n-1], the result is
 * v[max(0, ceil(q * n) - 1)], the smallest value such that at least a fraction q of the values
 * are less than or equal to it. It is always one of the values (p50 of bytes is a byte count
 * that occurred), and q = 0 gives the minimum, q = 1 the maximum.
 *
 * Past `limit` values (default 100,000 per state, 8 bytes each) a DDSketch with 1% relative
 * accuracy takes over; it is asked for the same rank, so the estimate is within 1% of the exact
 * nearest-rank value. The sketch keeps the exact minimum and maximum, which answer q = 0 and 1
 * and bound every estimate.
 *
 * Non-numeric values (absent, text, times) are skipped; the result is null when there were none.
 */
export function percentileAggregate(
  name: string,
  quantile: number,
  limit = DEFAULT_EXACT_LIMIT,
): Aggregate<PercentileState> {
  if (!(quantile >= 0 && quantile <= 1)) throw new RangeError(`percentile must be in [0, 1], got ${quantile}`);
  if (!(limit >= 0)) throw new RangeError(`percentile exact limit must be >= 0, got ${limit}`);

  const toSketch = (state: PercentileState, sketch: DDSketch): PercentileState => {
    const values = state.values!;
    for (let i = 0; i < state.n; i++) sketch.accept(values[i]);
    state.values = null;
    state.n = 0;
    state.sketch = sketch;
    return state;
  };

  const addNumber = (state: PercentileState, x: number): PercentileState => {
    if (x !== x) return state;
    const values = state.values;
    if (values === null) {
      state.sketch!.accept(x);
      return state;
    }
    if (state.n === limit) {
      toSketch(state, newSketch());
      state.sketch!.accept(x);
      return state;
    }
    if (state.n === values.length) state.values = grow(values, limit);
    state.values![state.n++] = x;
    return state;
  };

  return {
    name,
    relativeError: RELATIVE_ACCURACY,
    init: () => ({ values: new Float64Array(8), n: 0, sketch: null }),
    add: (state, value: Value) => addNumber(state, toNumber(value)),
    addNumber,
    merge(a, b) {
      if (b.values !== null) {
        for (let i = 0; i < b.n; i++) a = addNumber(a, b.values[i]);
        return a;
      }
      if (a.values !== null) return toSketch(a, cloneSketch(b.sketch!));
      mergeSketch(a.sketch!, b.sketch!);
      return a;
    },
    result(state) {
      if (state.values !== null) return exactNearestRank(state.values.subarray(0, state.n), quantile);
      return sketchNearestRank(state.sketch!, quantile);
    },
    isEstimate: (state) => state.sketch !== null,
  };
}

function grow(values: Float64Array, limit: number): Float64Array {
  const bigger = new Float64Array(Math.min(Math.max(values.length * 2, 8), Math.max(limit, 8)));
  bigger.set(values);
  return bigger;
}

/** 0-based index of the nearest-rank q-percentile among n sorted values. */
function nearestRankIndex(q: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

function exactNearestRank(values: Float64Array, q: number): number | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort(); // typed-array sort is numeric; reordering the kept values does not change the state
  return values[nearestRankIndex(q, n)];
}

function sketchNearestRank(sketch: DDSketch, q: number): number | null {
  const n = sketch.count;
  if (n === 0) return null;
  const rank = nearestRankIndex(q, n);
  if (rank === 0) return sketch.min;
  if (rank === n - 1) return sketch.max;
  // DDSketch reads the value at rank floor(q' * (n - 1)); aim at the middle of our rank so that
  // rounding cannot land on a neighbour.
  const estimate = sketch.getValueAtQuantile((rank + 0.5) / (n - 1));
  return Math.min(sketch.max, Math.max(sketch.min, estimate));
}

function cloneSketch(sketch: DDSketch): DDSketch {
  const copy = newSketch();
  mergeSketch(copy, sketch);
  return copy;
}

/**
 * `DDSketch.merge` in @datadog/sketches-js 2.1.1 forgets the negative-value store when both
 * sketches are non-empty (it merges `store` only, yet adds the counts), so merged sketches lose
 * their negative values. Merge that store ourselves.
 */
function mergeSketch(into: DDSketch, from: DDSketch): void {
  const intoWasEmpty = into.count === 0;
  into.merge(from);
  if (!intoWasEmpty && from.count !== 0) into.negativeStore.merge(from.negativeStore);
}
