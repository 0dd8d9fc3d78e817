/**
 * Sampling arithmetic shared by the heap sampler (V8's) and the Buffer sampler (ours). Both take
 * an allocation of `size` bytes with probability p = 1 - exp(-size / interval), a Poisson process
 * over bytes, and weigh a taken sample by 1/p: estimates of bytes are then unbiased whatever the
 * object sizes, and large objects (p close to 1) are counted exactly.
 */

/** The probability that an allocation of `size` bytes is sampled at this mean interval. */
export function sampleProbability(size: number, interval: number): number {
  if (size <= 0) return 0;
  return -Math.expm1(-size / interval);
}

/** V8 aligns every heap object to 8 bytes (no pointer compression in Node's builds); none is smaller than 16. */
const OBJECT_ALIGNMENT = 8;
const SMALLEST_OBJECT = 16;

const counts = new Map<string, number>();

/**
 * How many allocations a V8 sample stands for. The inspector gives only the product
 * `objectSize × round(1/p(objectSize) + 0.5)` (its `size`), and several object sizes can give the
 * same product (32 × 1025 and 40 × 820 both make 32,800 at 32 KiB). The size is at least
 * `product - interval`; the smallest consistent size from there is taken, which is exact for
 * objects whose size divides the interval and for large objects, and otherwise overcounts small
 * objects by at most about 1.5x. So counts are estimates; bytes are not affected. Cached: a
 * profile repeats few distinct products.
 */
export function heapSampleCount(scaledSize: number, interval: number): number {
  if (!(scaledSize > 0)) return 0;
  if (scaledSize <= interval) return 1;
  const key = `${scaledSize}:${interval}`;
  const cached = counts.get(key);
  if (cached !== undefined) return cached;
  let count = 1;
  const from = Math.max(SMALLEST_OBJECT, Math.ceil((scaledSize - interval) / OBJECT_ALIGNMENT) * OBJECT_ALIGNMENT);
  for (let s = from; s <= scaledSize; s += OBJECT_ALIGNMENT) {
    const c = scaledSize / s;
    if (Number.isInteger(c) && Math.floor(1 / sampleProbability(s, interval) + 0.5) === c) {
      count = c;
      break;
    }
  }
  if (counts.size > 10_000) counts.clear(); // a bound, not a policy: products repeat
  counts.set(key, count);
  return count;
}
