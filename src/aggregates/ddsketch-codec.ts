import type { DDSketch } from '@datadog/sketches-js';
import { decodeNumber, encodeNumber, type EncodedValue } from '../core/value-codec.js';
import { expectArray, expectCount, expectRecord, fail } from './codec.js';

/**
 * A DDSketch as data, written here rather than with the library's `toProto`/`fromProto`:
 * `fromProto` drops `min`, `max`, `count` and `sum`, and percentiles answer q = 0 and 1 with
 * min and max and bound every estimate by them. What a sketch answers depends only on its
 * mapping, the count in each bin, the zero count and those summary figures, so that is what is
 * kept; the decoded sketch then answers, adds and merges exactly as the original would (its bin
 * array may be laid out differently, which changes nothing but memory).
 *
 * `accuracy` is the mapping's relative accuracy; each store is its first non-empty bin's key
 * and the counts of the bins from there to its last non-empty one, where a negative entry -k
 * stands for k empty bins. Log-spaced keys are few (about 1,000 for values from 1 to 10^9 at
 * 1%), so a busy store is dense; the runs keep a sparse one small.
 */
export interface EncodedDDSketch {
  accuracy: number;
  zeros: number;
  min: EncodedValue;
  max: EncodedValue;
  sum: EncodedValue;
  positive: EncodedStore;
  negative: EncodedStore;
}

/** The package does not export its store class by name. */
type DenseStore = DDSketch['store'];

export interface EncodedStore {
  key: number;
  counts: number[];
}

export function encodeSketch(sketch: DDSketch): EncodedDDSketch {
  return {
    accuracy: sketch.mapping.relativeAccuracy,
    zeros: sketch.zeroCount,
    // Encoded as numbers that may be infinite: an empty sketch has min Infinity and max -Infinity.
    min: encodeNumber(sketch.min),
    max: encodeNumber(sketch.max),
    sum: encodeNumber(sketch.sum),
    positive: encodeStore(sketch.store),
    negative: encodeStore(sketch.negativeStore),
  };
}

function encodeStore(store: DenseStore): EncodedStore {
  const bins = store.bins;
  let first = store.minKey - store.offset;
  let last = store.maxKey - store.offset;
  if (store.count === 0 || !(first <= last)) return { key: 0, counts: [] };
  // The ends are non-empty bins already; trimming keeps that a guarantee the decoder can check.
  while (first < last && bins[first] === 0) first++;
  while (last > first && bins[last] === 0) last--;
  const counts: number[] = [];
  for (let i = first; i <= last; i++) {
    if (bins[i] !== 0) counts.push(bins[i]!);
    else if (bins[i - 1] !== 0) counts.push(-1); // i > first: the first bin is not empty
    else counts[counts.length - 1]!--;
  }
  return { key: first + store.offset, counts };
}

const WHAT = 'percentile sketch';

/** Fills `into`, a new empty sketch, with what `data` encodes; a RangeError for a wrong shape. */
export function decodeSketch(data: unknown, into: DDSketch): DDSketch {
  const o = expectRecord(data, WHAT);
  if (o.accuracy !== into.mapping.relativeAccuracy) {
    fail(WHAT, `relative accuracy ${String(o.accuracy)}, expected ${into.mapping.relativeAccuracy}`);
  }
  decodeStore(o.positive, into.store);
  decodeStore(o.negative, into.negativeStore);
  into.zeroCount = expectCount(o.zeros, WHAT);
  into.count = into.store.count + into.negativeStore.count + into.zeroCount;
  into.min = decodeNumber(o.min, WHAT);
  into.max = decodeNumber(o.max, WHAT);
  into.sum = decodeNumber(o.sum, WHAT);
  const bounded = into.count === 0 ? into.min === Infinity && into.max === -Infinity : into.min <= into.max;
  if (!bounded) fail(WHAT, 'min and max do not fit the count');
  return into;
}

function decodeStore(data: unknown, into: DenseStore): void {
  const o = expectRecord(data, WHAT);
  const counts = expectArray(o.counts, WHAT);
  const n = counts.length;
  if (n === 0) return;
  if (!Number.isSafeInteger(o.key)) fail(WHAT, 'bin key is not an integer');
  // Bins as [key, count], the empty runs skipped.
  const bins: [number, number][] = [];
  let key = o.key as number;
  for (const c of counts) {
    if (!Number.isSafeInteger(c) || c === 0) fail(WHAT, 'a bin count is not a count or a run of empty bins');
    if ((c as number) > 0) bins.push([key++, c as number]);
    else key -= c as number;
  }
  if ((counts[0] as number) < 0 || (counts[n - 1] as number) < 0) fail(WHAT, 'empty bins at the end of a store');
  if (!Number.isSafeInteger(key)) fail(WHAT, 'bin key is not an integer');
  // The two ends first, so the bins are sized once; then the ones between.
  const last = bins.length - 1;
  into.add(bins[0]![0], bins[0]![1]);
  if (last > 0) into.add(bins[last]![0], bins[last]![1]);
  for (let i = 1; i < last; i++) into.add(bins[i]![0], bins[i]![1]);
}
