import { formatBytes, formatBytesDiff } from '../trace/units.js';
import { isTracing, start, stop, takeSnapshot } from '../trace/index.js';
import { sitesOf, type SiteDiff } from './answers.js';
import { collectGarbage } from './collect-garbage.js';
import { wholeNumber } from './options.js';
import { leastSquares } from './trend-fit.js';

export interface AssertNoLeakOptions {
  /** Calls measured (default 1000). */
  readonly iterations?: number;
  /** Calls before measuring, so caches, compiled code and pools settle (default a tenth of iterations, at least 10). */
  readonly warmup?: number;
  /**
   * Live bytes an iteration may add, on the fitted line, before it counts as a leak (default 64:
   * clean functions measure within a few bytes, since every checkpoint follows a full collection).
   */
  readonly tolerance?: number;
  /** Points at which memory is measured, each after a full collection (default 10). */
  readonly checkpoints?: number;
  /** Growing sites listed in the error (default 5). */
  readonly top?: number;
}

/** Thrown by assertNoLeak: the fitted growth, and the sites that grew most. */
export class LeakError extends Error {
  constructor(
    message: string,
    readonly bytesPerIteration: number,
    readonly sites: readonly SiteDiff[],
  ) {
    super(message);
    this.name = 'LeakError';
  }
}

/** Heap in use plus memory outside it (Buffer contents), right after a full collection. */
function liveNow(): number {
  // Twice: what the first one's finalizers and weak callbacks freed goes in the second.
  collectGarbage();
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Runs `fn` (sync or async) `warmup` times, then `iterations` times with a full collection at
 * each of `checkpoints` points, fits live memory against iterations, and rejects with a LeakError
 * when the slope exceeds `tolerance` bytes (and each half of the run grows by at least half of
 * that): the growth per iteration, and the top growing sites
 * from heap samples over `iterations` further calls (so a leak costs twice the calls). Needs no --expose-gc: collections go through the inspector.
 */
export async function assertNoLeak(fn: () => unknown, options: AssertNoLeakOptions = {}): Promise<void> {
  if (typeof fn !== 'function') throw new TypeError('assertNoLeak: give it the function to run');
  const iterations = wholeNumber('assertNoLeak', 'iterations', options.iterations, 1000, 1);
  const warmup = wholeNumber('assertNoLeak', 'warmup', options.warmup, Math.max(10, Math.round(iterations / 10)), 0);
  const checkpoints = Math.min(iterations, wholeNumber('assertNoLeak', 'checkpoints', options.checkpoints, 10, 2));
  const top = wholeNumber('assertNoLeak', 'top', options.top, 5, 1);
  const tolerance = options.tolerance ?? 64;
  if (!(tolerance >= 0)) throw new RangeError(`assertNoLeak: tolerance must be bytes per iteration (0 or more), got ${tolerance}`);

  for (let i = 0; i < warmup; i++) await fn();
  // Measured without the tracer: its Buffer sampler keeps a record per sampled Buffer, which
  // would read as the function's growth. Sites are found afterwards, only for a leak.
  const xs: number[] = [0];
  const ys: number[] = [liveNow()];
  let done = 0;
  for (let c = 1; c <= checkpoints; c++) {
    const until = Math.round((iterations * c) / checkpoints);
    for (; done < until; done++) await fn();
    xs.push(done);
    ys.push(liveNow());
  }
  const perIteration = leastSquares(xs, ys).slope;
  // A leak keeps growing: both halves of the run must grow too. A single step (a hash table
  // doubling, a pool filling once) raises one half only, and is not a leak.
  const mid = Math.floor(xs.length / 2);
  const growingThroughout = leastSquares(xs.slice(0, mid + 1), ys.slice(0, mid + 1)).slope > tolerance / 2 && leastSquares(xs.slice(mid), ys.slice(mid)).slope > tolerance / 2;
  if (perIteration <= tolerance || !growingThroughout) return;
  const sites = await growingSites(fn, iterations, top);
  const listed = sites.map((s) => `  ${formatBytesDiff(s.sizeDiff).padStart(11)}  ${s.function || '(anonymous)'}  ${s.file}:${s.line}`);
  throw new LeakError(
    [
      `assertNoLeak: live memory grew ${formatBytes(perIteration)} per iteration over ${iterations} iterations (tolerance ${formatBytes(tolerance)}; ${formatBytesDiff(ys[ys.length - 1]! - ys[0]!)} in all)`,
      sites.length > 0 ? 'top growing sites:' : 'no growing site was sampled (the growth may be in native memory)',
      ...listed,
    ].join('\n'),
    perIteration,
    sites,
  );
}

/** Where the growth is: `iterations` more calls between two snapshots of the heap sampler. */
async function growingSites(fn: () => unknown, iterations: number, top: number): Promise<SiteDiff[]> {
  const mine = !isTracing();
  if (mine) start();
  try {
    const before = await takeSnapshot();
    for (let i = 0; i < iterations; i++) await fn();
    const after = await takeSnapshot();
    return sitesOf(after.compareTo(before, 'lineno')).filter((d) => d.sizeDiff > 0).slice(0, top);
  } finally {
    if (mine) stop();
  }
}
