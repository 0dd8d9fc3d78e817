import { GCProfiler } from 'node:v8';

/** prom-client's names for V8's collection types (`nodejs_gc_duration_seconds{kind=...}`). */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

export const GC_KINDS: readonly GcKind[] = ['minor', 'major', 'incremental', 'weakcb'];

/** prom-client's default buckets of `nodejs_gc_duration_seconds`, so dashboards built on it work. */
export const GC_BUCKETS_SECONDS: readonly number[] = [0.001, 0.01, 0.1, 1, 2, 5];

export interface GcTotals {
  count: number;
  pauseSeconds: number;
  /** Collections at or below each of GC_BUCKETS_SECONDS (cumulative, as Prometheus wants). */
  readonly buckets: number[];
}

/** What the collections of one window left behind. */
export interface GcWindow {
  readonly collections: number;
  /** How many of them were full (mark-compact) collections, after which only live memory is left. */
  readonly full: number;
  /** The least heap + external memory left after a collection of the window: the best estimate of what was live. */
  readonly liveAfterMin: number | undefined;
  readonly heapAfterMin: number | undefined;
}

interface ProfilerRecord {
  readonly statistics: ReadonlyArray<{
    readonly gcType: string;
    /** Microseconds. */
    readonly cost: number;
    readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number; readonly externalMemory: number } };
  }>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyWindow(): Mutable<GcWindow> {
  return { collections: 0, full: 0, liveAfterMin: undefined, heapAfterMin: undefined };
}

function kindOf(gcType: string): GcKind {
  if (gcType === 'MarkSweepCompact') return 'major';
  if (gcType === 'IncrementalMarking') return 'incremental';
  if (gcType === 'ProcessWeakCallbacks') return 'weakcb';
  return 'minor';
}

/**
 * Every garbage collection of this thread, through V8's GC profiler (node:v8 GCProfiler): it
 * records each collection's type, pause and heap figures in native code, so watching costs no
 * JavaScript per collection and nothing at all between them. `drain` reads the record (about 3 KB
 * a collection) and starts a new one before stopping the old, so no collection falls between.
 */
export class GcSampler {
  private profiler: GCProfiler | null = null;
  readonly totals = new Map<GcKind, GcTotals>(GC_KINDS.map((k) => [k, { count: 0, pauseSeconds: 0, buckets: GC_BUCKETS_SECONDS.map(() => 0) }]));
  /** The most heap left after any collection since start. */
  heapAfterPeak = 0;
  private window: Mutable<GcWindow> = emptyWindow();

  start(): void {
    if (this.profiler) return;
    this.profiler = new GCProfiler();
    this.profiler.start();
  }

  stop(): void {
    this.drain();
    this.profiler?.stop();
    this.profiler = null;
  }

  /**
   * Folds the collections recorded since the last look into the totals and into the current
   * window (see takeWindow). Anyone may call it (the memory and metrics answers do): the window
   * keeps what it saw until the trend sampler takes it.
   */
  drain(): void {
    const old = this.profiler;
    if (!old) return;
    this.profiler = new GCProfiler();
    this.profiler.start();
    const record = old.stop() as unknown as ProfilerRecord | undefined;
    const w = this.window;
    for (const s of record?.statistics ?? []) {
      const kind = kindOf(s.gcType);
      if (kind === 'major') w.full++;
      w.collections++;
      const totals = this.totals.get(kind)!;
      const seconds = s.cost / 1e6;
      totals.count++;
      totals.pauseSeconds += seconds;
      GC_BUCKETS_SECONDS.forEach((le, i) => {
        if (seconds <= le) totals.buckets[i]!++;
      });
      const after = s.afterGC.heapStatistics;
      const live = after.usedHeapSize + (after.externalMemory ?? 0);
      if (w.liveAfterMin === undefined || live < w.liveAfterMin) w.liveAfterMin = live;
      if (w.heapAfterMin === undefined || after.usedHeapSize < w.heapAfterMin) w.heapAfterMin = after.usedHeapSize;
      if (after.usedHeapSize > this.heapAfterPeak) this.heapAfterPeak = after.usedHeapSize;
    }
  }

  /** What the collections since the last call left, and a fresh window from now. */
  takeWindow(): GcWindow {
    this.drain();
    const w = this.window;
    this.window = emptyWindow();
    return w;
  }
}
