import { decodeBigInt, decodeNumber, encodeNumber, type EncodedValue } from '../core/value-codec.js';
import { expectCount, expectRecord, fail } from './codec.js';

/**
 * A sum that stays exact for integers of any size and accurate for floats, without allocating
 * per added number:
 * - integers accumulate in `small`, a JS number, while the running total is a safe integer;
 *   when the next addition would leave the safe range, `small` is flushed into the bigint
 *   `big` (one BigInt allocation per overflow, i.e. rarely);
 * - integers that are themselves beyond 2^53 go straight into `big` (every such double is an
 *   exact integer, so nothing is lost);
 * - non-integers accumulate separately in `float` with Neumaier compensation, so float totals
 *   barely depend on the order of additions (and so on how the input was split and merged).
 */
export interface SumAccumulator {
  small: number;
  big: bigint;
  float: number;
  /** Neumaier compensation term of `float`. */
  floatComp: number;
  /** True once a non-integer was added: the total is then a float. */
  sawFloat: boolean;
  /** How many numbers were added. */
  n: number;
}

export function newSum(): SumAccumulator {
  return { small: 0, big: 0n, float: 0, floatComp: 0, sawFloat: false, n: 0 };
}

/** Adds x; NaN (absent) is ignored. */
export function sumNumber(acc: SumAccumulator, x: number): void {
  if (x !== x) return;
  acc.n++;
  if (Number.isSafeInteger(x)) {
    const s = acc.small + x;
    // Both operands are safe integers, so a safe result is exact; an unsafe one means overflow.
    if (Number.isSafeInteger(s)) {
      acc.small = s;
    } else {
      acc.big += BigInt(acc.small);
      acc.small = x;
    }
  } else if (Number.isInteger(x)) {
    acc.big += BigInt(x);
  } else {
    addFloat(acc, x);
  }
}

export function sumBigInt(acc: SumAccumulator, x: bigint): void {
  acc.n++;
  acc.big += x;
}

function addFloat(acc: SumAccumulator, x: number): void {
  acc.sawFloat = true;
  if (!Number.isFinite(x)) {
    // Infinities poison the compensation term; keep them in the plain sum.
    acc.float += x;
    return;
  }
  const t = acc.float + x;
  if (Math.abs(acc.float) >= Math.abs(x)) acc.floatComp += acc.float - t + x;
  else acc.floatComp += x - t + acc.float;
  acc.float = t;
}

/** Adds b into a (b is left unchanged). */
export function mergeSum(a: SumAccumulator, b: SumAccumulator): void {
  a.n += b.n;
  a.big += b.big;
  const n = a.n;
  sumNumber(a, b.small); // may count one extra addition; restored below
  a.n = n;
  if (b.sawFloat) {
    addFloat(a, b.float);
    a.floatComp += b.floatComp;
  }
}

/**
 * The total: a number while it is a safe integer, a bigint past 2^53, and a float when any
 * non-integer was added (floats sum as floats).
 */
export function sumTotal(acc: SumAccumulator): number | bigint {
  if (acc.sawFloat) return Number(acc.big) + acc.small + (acc.float + acc.floatComp);
  if (acc.big === 0n) return acc.small;
  const total = acc.big + BigInt(acc.small);
  const asNumber = Number(total);
  return Number.isSafeInteger(asNumber) ? asNumber : total;
}

/**
 * A SumAccumulator as data: `{ n, small?, big?, float?, floatComp? }`. Parts that are zero are
 * left out, `big` is exact decimal digits, and `float` is there exactly when a non-integer was
 * added (`sawFloat`), so an integer sum stays an integer after the trip. Numbers use
 * encodeNumber, since a float part can be an infinity or NaN.
 */
export interface EncodedSum {
  n: number;
  small?: EncodedValue;
  big?: string;
  float?: EncodedValue;
  floatComp?: EncodedValue;
}

export function encodeSum(acc: SumAccumulator): EncodedSum {
  const out: EncodedSum = { n: acc.n };
  if (!Object.is(acc.small, 0)) out.small = encodeNumber(acc.small);
  if (acc.big !== 0n) out.big = acc.big.toString();
  if (acc.sawFloat) {
    out.float = encodeNumber(acc.float);
    out.floatComp = encodeNumber(acc.floatComp);
  }
  return out;
}

const WHAT = 'sum state';

export function decodeSum(data: unknown): SumAccumulator {
  const o = expectRecord(data, WHAT);
  const acc = newSum();
  acc.n = expectCount(o.n, WHAT);
  if (o.small !== undefined) {
    acc.small = decodeNumber(o.small, WHAT);
    // sumNumber relies on `small` being a safe integer to detect overflow.
    if (!Number.isSafeInteger(acc.small)) fail(WHAT, 'small part is not a safe integer');
  }
  if (o.big !== undefined) acc.big = decodeBigInt(o.big, WHAT);
  if (o.float !== undefined) {
    acc.sawFloat = true;
    acc.float = decodeNumber(o.float, WHAT);
    acc.floatComp = decodeNumber(o.floatComp, WHAT);
  } else if (o.floatComp !== undefined) {
    fail(WHAT, 'floatComp without float');
  }
  return acc;
}
