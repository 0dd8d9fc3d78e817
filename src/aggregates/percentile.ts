import { createRequire } from 'node:module';
import type { DDSketch } from '@datadog/sketches-js';
import type { Value } from '../core/value.js';
import { decodeNumber, encodeNumber, type EncodedValue } from '../core/value-codec.js';
import { DEFAULT_EXACT_LIMIT, type Aggregate } from './aggregate.js';
import { expectArray, expectCount, expectRecord, fail } from './codec.js';
import { decodeSketch, encodeSketch, type EncodedDDSketch } from './ddsketch-codec.js';
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
 * Exact (the values themselves) until more than `limit` values were added, then a DDSketch.
 * Exactly one of `values` and `sketch` is non-null. The values sit in a plain array, which V8
 * stores as unboxed doubles: for the many small groups of `p99(x) by url` it costs a fraction of
 * a typed array's header and backing store.
 */
export interface PercentileState {
  values: number[] | null;
  /** How many entries of `values` are in use (0 once the sketch took over). */
  n: number;
  sketch: DDSketch | null;
  /** Infinite values seen once the sketch took over (a sketch cannot hold them; they rank first or last). */
  negInf: number;
  posInf: number;
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

  const rank = exactQuantile(quantile);
  const toSketch = (state: PercentileState, sketch: DDSketch): PercentileState => {
    const values = state.values!;
    for (let i = 0; i < state.n; i++) acceptFinite(state, sketch, values[i]!);
    state.values = null;
    state.n = 0;
    state.sketch = sketch;
    return state;
  };

  const addNumber = (state: PercentileState, x: number): PercentileState => {
    if (x !== x) return state;
    const values = state.values;
    if (values === null) {
      acceptFinite(state, state.sketch!, x);
      return state;
    }
    if (state.n === limit) {
      toSketch(state, newSketch());
      acceptFinite(state, state.sketch!, x);
      return state;
    }
    values.push(x);
    state.n++;
    return state;
  };

  /** Replayed through addNumber: a sender with a larger exact limit may ship more than this side keeps. */
  const decodeValues = (data: unknown): PercentileState => {
    let state: PercentileState = { values: [], n: 0, sketch: null, negInf: 0, posInf: 0 };
    for (const e of expectArray(data, WHAT)) {
      const x = decodeNumber(e, WHAT);
      if (x !== x) fail(WHAT, 'NaN among the values'); // addNumber would skip it silently
      state = addNumber(state, x);
    }
    return state;
  };

  return {
    name,
    relativeError: RELATIVE_ACCURACY,
    init: () => ({ values: [], n: 0, sketch: null, negInf: 0, posInf: 0 }),
    add: (state, value: Value) => addNumber(state, toNumber(value)),
    addNumber,
    merge(a, b) {
      if (b.values !== null) {
        for (let i = 0; i < b.n; i++) a = addNumber(a, b.values[i]!);
        return a;
      }
      if (a.values !== null) toSketch(a, cloneSketch(b.sketch!));
      else mergeSketch(a.sketch!, b.sketch!);
      a.negInf += b.negInf;
      a.posInf += b.posInf;
      return a;
    },
    result(state) {
      if (state.values !== null) return exactNearestRank(state.values, rank);
      return sketchNearestRank(state, rank);
    },
    isEstimate: (state) => state.sketch !== null,
    encode(state): EncodedPercentile {
      if (state.values === null) return { sketch: encodeSketch(state.sketch!), negInf: state.negInf, posInf: state.posInf };
      return { values: state.values.slice(0, state.n).map(encodeNumber) };
    },
    decode(data) {
      const o = expectRecord(data, WHAT);
      if (o.sketch === undefined) return decodeValues(o.values);
      if (o.values !== undefined) fail(WHAT, 'both values and sketch');
      return {
        values: null,
        n: 0,
        sketch: decodeSketch(o.sketch, newSketch()),
        negInf: expectCount(o.negInf, WHAT),
        posInf: expectCount(o.posInf, WHAT),
      };
    },
  };
}

/**
 * `{ values: [numbers...] }` in the exact phase (in the order added; infinities tagged), or
 * `{ sketch, negInf, posInf }` once the DDSketch took over (see ddsketch-codec.ts).
 */
export type EncodedPercentile = { values: EncodedValue[] } | { sketch: EncodedDDSketch; negInf: number; posInf: number };

const WHAT = 'percentile state';

/** A quantile as the exact fraction it was written as: 0.999 is 999/1000, not 0.99899999... */
interface Fraction {
  readonly num: number;
  readonly den: number;
}

/** The fraction of the shortest decimal that prints as q (how the user wrote it). */
function exactQuantile(q: number): Fraction {
  const text = String(q);
  const dot = text.indexOf('.');
  if (dot < 0 || text.includes('e')) return { num: q, den: 1 };
  const decimals = text.length - dot - 1;
  return { num: Number(text.replace('.', '')), den: 10 ** decimals };
}

/**
 * 0-based index of the nearest-rank percentile among n sorted values: ceil(q * n) - 1, computed
 * exactly (p99.9 of 1000 values is the 999th, where 0.999 * 1000 in floating point is 999.0000000000001).
 */
function nearestRankIndex(q: Fraction, n: number): number {
  const product = q.num * n;
  const ceiling = Number.isSafeInteger(product)
    ? Math.ceil(product / q.den) // exact: an integer quotient of safe integers divides exactly
    : Number((BigInt(q.num) * BigInt(n) + BigInt(q.den) - 1n) / BigInt(q.den));
  return Math.min(n - 1, Math.max(0, ceiling - 1));
}

function exactNearestRank(values: readonly number[], q: Fraction): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort(); // typed-array sort is numeric
  return sorted[nearestRankIndex(q, n)]!;
}

/** Infinite values are counted beside the sketch, which cannot index them. */
function acceptFinite(state: PercentileState, sketch: DDSketch, x: number): void {
  if (x === Infinity) state.posInf++;
  else if (x === -Infinity) state.negInf++;
  else sketch.accept(x);
}

function sketchNearestRank(state: PercentileState, q: Fraction): number | null {
  const sketch = state.sketch!;
  const n = sketch.count + state.negInf + state.posInf;
  if (n === 0) return null;
  let rank = nearestRankIndex(q, n);
  if (rank < state.negInf) return -Infinity;
  if (rank >= n - state.posInf) return Infinity;
  rank -= state.negInf;
  const finite = sketch.count;
  if (rank === 0) return sketch.min;
  if (rank === finite - 1) return sketch.max;
  // DDSketch reads the value at rank floor(q' * (n - 1)); aim at the middle of our rank so that
  // rounding cannot land on a neighbour.
  const estimate = sketch.getValueAtQuantile((rank + 0.5) / (finite - 1));
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
