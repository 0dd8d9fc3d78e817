import { collectGarbage } from './collect-garbage.js';
import type { GcSampler, GcWindow } from './gc-sampler.js';
import { fitTrend, lastLiveAfterGc, type TrendFit, type TrendRules, type TrendSample } from './trend-fit.js';

function lesser(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/**
 * Memory after GC over time: every `intervalMs` it drains the GC record and keeps one sample (the
 * least memory a collection of the interval left, whether a full collection ran, and RSS), the
 * last `maxSamples` of them. Between ticks it does nothing: V8 writes the GC record natively, and
 * the timer never keeps the process alive. The fit is made only when someone asks, and kept until
 * the next sample.
 *
 * Only a full collection tells a leak from garbage waiting in old space, and a quiet app may go a
 * long time without one; when none ran for `fullGcAfterMs` the sampler runs one itself (0: never).
 * At the default of two minutes that is one collection's pause (milliseconds per 100 MB of heap)
 * every two minutes at most, and none in an app that collects fully on its own.
 */
export class TrendSampler {
  private readonly samples: TrendSample[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastFullGcAt = Date.now();
  /** The fit of the samples as they are; null once a tick adds one. */
  private fitted: TrendFit | null = null;

  constructor(
    private readonly gc: GcSampler,
    readonly intervalMs: number,
    private readonly maxSamples: number,
    private readonly rules: TrendRules,
    private readonly fullGcAfterMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  tick(): void {
    let w: GcWindow = this.gc.takeWindow();
    const now = Date.now();
    if (w.full > 0) this.lastFullGcAt = now;
    else if (this.fullGcAfterMs > 0 && now - this.lastFullGcAt >= this.fullGcAfterMs) {
      collectGarbage();
      this.lastFullGcAt = now;
      const forced = this.gc.takeWindow();
      w = {
        collections: w.collections + forced.collections,
        full: w.full + forced.full,
        liveAfterMin: lesser(w.liveAfterMin, forced.liveAfterMin),
        heapAfterMin: lesser(w.heapAfterMin, forced.heapAfterMin),
      };
    }
    this.samples.push({ at: now, liveAfterGc: w.liveAfterMin ?? null, heapAfterGc: w.heapAfterMin ?? null, fullGc: w.full > 0, rss: process.memoryUsage.rss() });
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
    this.fitted = null;
  }

  history(): readonly TrendSample[] {
    return this.samples;
  }

  fit(): TrendFit {
    return (this.fitted ??= fitTrend(this.samples, this.rules));
  }

  /** The latest memory after GC (null when no window had a collection). */
  lastLive(): number | null {
    return lastLiveAfterGc(this.samples);
  }
}
