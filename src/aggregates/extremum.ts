import { Instant, type Value } from '../core/value.js';
import { decodeValue, encodeValue, type EncodedValue } from '../core/value-codec.js';
import { expectRecord, fail } from './codec.js';
import { compareValues } from './compare-values.js';
import type { Aggregate } from './aggregate.js';
import { toNumber } from './to-number.js';

/**
 * The best value so far, kept apart by kind: `ordered` is the best number, bigint or Instant;
 * `text` the best string that is not a number. Mutated in place.
 */
export interface ExtremumState {
  ordered: number | bigint | Instant | null;
  text: string | null;
}

/**
 * min and max share this. Numbers compare as numbers, times by their instant (the result keeps
 * the offset it was written with), and numeric strings count as the numbers they spell (JSON and
 * logfmt logs quote numbers: max of 10 and "7" is 10). Once any value is numeric, text that is not
 * a number (`n/a`, `-`) is ignored; only a field with no number at all gives the best string, by
 * code units. Absent values (null, NaN) are skipped; the result is null when nothing was added.
 *
 * `sign` is -1 for min (keep values that compare lower), +1 for max.
 */
export function extremumAggregate(name: string, sign: -1 | 1): Aggregate<ExtremumState> {
  const better = (candidate: Value, best: Value): boolean =>
    best === null || compareValues(candidate, best) * sign > 0;

  const addNumber = (state: ExtremumState, x: number): ExtremumState => {
    if (x !== x) return state;
    const best = state.ordered;
    if (typeof best === 'number' ? (sign < 0 ? x < best : x > best) : better(x, best)) state.ordered = x;
    return state;
  };

  const addOrdered = (state: ExtremumState, value: number | bigint | Instant): ExtremumState => {
    if (better(value, state.ordered)) state.ordered = value;
    return state;
  };

  const addText = (state: ExtremumState, text: string): ExtremumState => {
    const x = toNumber(text);
    if (x === x) return addNumber(state, x);
    if (better(text, state.text)) state.text = text;
    return state;
  };

  return {
    name,
    init: () => ({ ordered: null, text: null }),
    add(state, value) {
      if (typeof value === 'number') return addNumber(state, value);
      if (typeof value === 'string') return addText(state, value);
      if (typeof value === 'bigint' || value instanceof Instant) return addOrdered(state, value);
      return state; // null, booleans: not ordered values
    },
    addNumber,
    merge(a, b) {
      if (b.ordered !== null) addOrdered(a, b.ordered);
      if (b.text !== null && better(b.text, a.text)) a.text = b.text;
      return a;
    },
    result: (state) => state.ordered ?? state.text,
    encode: encodeExtremum,
    decode: decodeExtremum,
  };
}

/** `{ ordered?, text? }`, each left out while null; `ordered` keeps its kind (bigint, Instant). */
interface EncodedExtremum {
  ordered?: EncodedValue;
  text?: string;
}

function encodeExtremum(state: ExtremumState): EncodedExtremum {
  const out: EncodedExtremum = {};
  if (state.ordered !== null) out.ordered = encodeValue(state.ordered);
  if (state.text !== null) out.text = state.text;
  return out;
}

const WHAT = 'min/max state';

function decodeExtremum(data: unknown): ExtremumState {
  const o = expectRecord(data, WHAT);
  const state: ExtremumState = { ordered: null, text: null };
  if (o.ordered !== undefined) {
    const v = decodeValue(o.ordered);
    // Only what add() keeps: NaN is skipped there, and strings, booleans and null are not ordered.
    if (!(typeof v === 'bigint' || v instanceof Instant || (typeof v === 'number' && v === v))) {
      fail(WHAT, 'ordered is not a number, bigint or Instant');
    }
    state.ordered = v;
  }
  if (o.text !== undefined) {
    if (typeof o.text !== 'string') fail(WHAT, 'text is not a string');
    state.text = o.text;
  }
  return state;
}
