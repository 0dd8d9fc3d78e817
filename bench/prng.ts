/**
 * A small seeded PRNG and the samplers the log generators need. Our own code (not Math.random) so
 * that the same seed gives byte-identical logs on every machine and Node version.
 */

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 32-bit state words, fast in V8. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number) {
    // splitmix32 spreads a small seed over the state so seeds 1 and 2 give unrelated streams.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal by Box–Muller (one of the pair is enough here). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1], so log(u) is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and sigma (of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/**
 * Draws ranks 0..n-1 with P(k) proportional to 1 / (k + 1 + q)^s (Zipf–Mandelbrot): a few items
 * take most of the traffic, a long tail shares the rest, as with real client hosts and URLs.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    s: number,
    q = 0,
  ) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let k = 0; k < n; k++) {
      total += 1 / Math.pow(k + 1 + q, s);
      this.cdf[k] = total;
    }
    for (let k = 0; k < n; k++) this.cdf[k] /= total;
  }

  sample(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Picks from a short list with fixed weights (status codes, methods...); a linear scan is fastest here. */
export class WeightedChoice<T> {
  private readonly items: T[];
  private readonly cumulative: Float64Array;

  constructor(weighted: ReadonlyArray<readonly [T, number]>) {
    this.items = weighted.map(([item]) => item);
    this.cumulative = new Float64Array(weighted.length);
    const total = weighted.reduce((sum, [, w]) => sum + w, 0);
    let acc = 0;
    weighted.forEach(([, w], i) => {
      acc += w / total;
      this.cumulative[i] = acc;
    });
    this.cumulative[weighted.length - 1] = 1;
  }

  sample(rng: Rng): T {
    const u = rng.next();
    const c = this.cumulative;
    let i = 0;
    while (c[i] <= u) i++;
    return this.items[i]!;
  }
}
