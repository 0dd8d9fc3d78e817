import { Instant, type Value } from '../core/value.js';
import { decodeValue, encodeValue, type EncodedValue } from '../core/value-codec.js';
import { DEFAULT_EXACT_LIMIT, type Aggregate } from './aggregate.js';
import { expectArray, expectRecord, fail } from './codec.js';
import { HyperLogLog, type DistinctKey, type EncodedHyperLogLog } from './hyperloglog.js';

const PRECISION = 14;

/**
 * Exact (a Set of the values) until more than `limit` distinct values were seen, then a
 * HyperLogLog. Exactly one of `set` and `hll` is non-null.
 */
export interface DistinctState {
  set: Set<DistinctKey> | null;
  hll: HyperLogLog | null;
}

/**
 * What count_distinct counts: strings, numbers, bigints and booleans as they are (Set semantics:
 * 0 and -0 are one value); Instants by their instant (ms), so the same moment
 * written with two offsets is one value. Null and NaN (absent) are not counted.
 */
function distinctKey(value: Value): DistinctKey | null {
  if (value instanceof Instant) return value.ms;
  return value;
}

/**
 * count_distinct: exact up to `limit` distinct values per state (default 100,000), then a
 * HyperLogLog of precision 14 (16 KiB, 0.81% standard error). Memory per state is bounded by
 * the larger of the two; the exact set is the one to watch when grouping by a key with many
 * values, since each group holds its own.
 */
export function countDistinctAggregate(name: string, limit = DEFAULT_EXACT_LIMIT): Aggregate<DistinctState> {
  if (!(limit >= 0)) throw new RangeError(`count_distinct exact limit must be >= 0, got ${limit}`);

  const toSketch = (state: DistinctState, base: HyperLogLog): DistinctState => {
    for (const key of state.set!) base.add(key);
    state.set = null;
    state.hll = base;
    return state;
  };

  const addKey = (state: DistinctState, key: DistinctKey): DistinctState => {
    const set = state.set;
    if (set === null) {
      state.hll!.add(key);
      return state;
    }
    set.add(key);
    return set.size > limit ? toSketch(state, new HyperLogLog(PRECISION)) : state;
  };

  return {
    name,
    relativeError: HyperLogLog.standardError(PRECISION),
    init: () => ({ set: new Set(), hll: null }),
    add(state, value) {
      const key = distinctKey(value);
      // NaN is how the engine says "absent" for numbers.
      return key === null || key !== key ? state : addKey(state, key);
    },
    addNumber(state, x) {
      return x !== x ? state : addKey(state, x);
    },
    merge(a, b) {
      if (b.set !== null) {
        for (const key of b.set) a = addKey(a, key);
        return a;
      }
      if (a.set !== null) return toSketch(a, b.hll!.clone());
      a.hll!.merge(b.hll!);
      return a;
    },
    result: (state) => (state.set !== null ? state.set.size : Math.round(state.hll!.estimate())),
    isEstimate: (state) => state.hll !== null,
    encode: (state): EncodedDistinct =>
      state.set !== null ? { set: [...state.set].map(encodeValue) } : { hll: state.hll!.encode() },
    decode(data) {
      const o = expectRecord(data, WHAT);
      if (o.hll !== undefined) {
        if (o.set !== undefined) fail(WHAT, 'both set and hll');
        return { set: null, hll: decodeSketch(o.hll) };
      }
      const set = decodeSet(o.set);
      // A sender with a larger exact limit may ship more values than this side keeps exactly.
      const state: DistinctState = { set, hll: null };
      return set.size > limit ? toSketch(state, new HyperLogLog(PRECISION)) : state;
    },
  };
}

/** `{ set: [values...] }` (each kind kept: 1, "1" and 1n stay apart) or `{ hll: { precision, registers } }`. */
export type EncodedDistinct = { set: EncodedValue[] } | { hll: EncodedHyperLogLog };

const WHAT = 'count_distinct state';

function decodeSet(data: unknown): Set<DistinctKey> {
  const encoded = expectArray(data, WHAT);
  const set = new Set<DistinctKey>();
  for (const e of encoded) {
    const key = decodeValue(e);
    // Only what add() keeps: Instants are counted by their ms, null and NaN not at all.
    if (key === null || key instanceof Instant || key !== key) fail(WHAT, 'a value count_distinct never keeps');
    set.add(key);
  }
  if (set.size !== encoded.length) fail(WHAT, 'repeated values');
  return set;
}

function decodeSketch(data: unknown): HyperLogLog {
  const hll = HyperLogLog.decode(data);
  // Registers of another precision cannot be merged with this aggregate's sketches.
  if (hll.precision !== PRECISION) fail(WHAT, `precision ${hll.precision}, expected ${PRECISION}`);
  return hll;
}
