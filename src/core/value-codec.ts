import { Instant, type Value } from './value.js';

/**
 * A Value as plain data that survives JSON.stringify/parse and structured clone unchanged, for
 * partial results shipped between worker threads or machines.
 *
 * The common kinds are themselves: strings, finite numbers, booleans and null. What JSON cannot
 * carry gets a one-key object (a plain value is never an object, so the two cannot be confused):
 * - `{ num: 'NaN' | 'Infinity' | '-Infinity' | '-0' }` for the numbers JSON turns into null or 0;
 * - `{ big: '-123' }` for bigints, as exact decimal digits;
 * - `{ ms, off }` for Instants: epoch milliseconds and the UTC offset in minutes.
 */
export type EncodedValue =
  | string
  | number
  | boolean
  | null
  | { readonly num: SpecialNumber }
  | { readonly big: string }
  | { readonly ms: number; readonly off: number };

type SpecialNumber = 'NaN' | 'Infinity' | '-Infinity' | '-0';

const SPECIAL: Readonly<Record<SpecialNumber, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** Optional sign, then digits without leading zeros: the only text `bigint.toString()` writes. */
const BIGINT_DIGITS = /^-?(0|[1-9][0-9]*)$/;

export function encodeValue(v: Value): EncodedValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return encodeNumber(v);
    case 'bigint':
      return { big: v.toString() };
    default:
      if (v === null) return null;
      if (v instanceof Instant) return { ms: v.ms, off: v.offsetMinutes };
      throw new TypeError(`not a Value: ${String(v)}`);
  }
}

/** A number as itself when JSON keeps it (finite, not -0), else tagged. */
export function encodeNumber(x: number): EncodedValue {
  if (Number.isFinite(x) && !Object.is(x, -0)) return x;
  return { num: Object.is(x, -0) ? '-0' : (String(x) as SpecialNumber) };
}

/**
 * The Value `e` encodes. `e` is untrusted (it came over a wire): anything `encodeValue` cannot
 * have written throws a RangeError here, rather than a stray object flowing into the engine.
 */
export function decodeValue(e: unknown): Value {
  switch (typeof e) {
    case 'string':
    case 'boolean':
      return e;
    case 'number':
      // encodeValue tags the non-finite numbers, so a bare one is not ours.
      if (!Number.isFinite(e)) throw new RangeError(`bad encoded value: bare ${e}`);
      return e;
    case 'object':
      return e === null ? null : decodeTagged(e);
    default:
      throw new RangeError(`bad encoded value: ${typeof e}`);
  }
}

function decodeTagged(e: object): Value {
  const keys = Object.keys(e);
  const o = e as Record<string, unknown>;
  if (keys.length === 1 && typeof o.num === 'string' && Object.hasOwn(SPECIAL, o.num)) {
    return SPECIAL[o.num as SpecialNumber];
  }
  if (keys.length === 1 && o.big !== undefined) return decodeBigInt(o.big, 'value');
  if (keys.length === 2 && Number.isFinite(o.ms) && Number.isFinite(o.off)) {
    return new Instant(o.ms as number, o.off as number);
  }
  throw new RangeError('bad encoded value: unknown object');
}

/** A decoded value that must be a number (NaN and infinities included). */
export function decodeNumber(e: unknown, what: string): number {
  const v = decodeValue(e);
  if (typeof v !== 'number') throw new RangeError(`bad encoded ${what}: not a number`);
  return v;
}

/** A bigint from the digits `bigint.toString()` wrote (BigInt() alone also takes '0x1f', ' 7' and ''). */
export function decodeBigInt(digits: unknown, what: string): bigint {
  if (typeof digits !== 'string' || !BIGINT_DIGITS.test(digits)) {
    throw new RangeError(`bad encoded ${what}: not bigint digits`);
  }
  return BigInt(digits);
}

/** A key tuple (e.g. a group's `status, method`), value by value. */
export function encodeValues(values: readonly Value[]): EncodedValue[] {
  return values.map(encodeValue);
}

/** The key tuple `e` encodes; with `length`, it must have exactly that many values. */
export function decodeValues(e: unknown, length?: number): Value[] {
  if (!Array.isArray(e)) throw new RangeError('bad encoded key tuple: not an array');
  if (length !== undefined && e.length !== length) {
    throw new RangeError(`bad encoded key tuple: ${e.length} values, expected ${length}`);
  }
  return e.map(decodeValue);
}
