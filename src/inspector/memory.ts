import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { readMemory } from '../trace/memory-peaks.js';
import { GC_KINDS, type GcKind, type GcSampler } from './gc-sampler.js';

export interface GcReport {
  readonly count: number;
  readonly pauseSeconds: number;
}

/** `GET {prefix}`: memory now, the collections since the inspector started, and the event loop. */
export interface MemoryReport {
  readonly at: string;
  readonly uptimeSeconds: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly heapLimit: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  readonly peak: {
    /** The most heap left after a collection since the inspector started. */
    readonly heapAfterGc: number;
    /** The operating system's high-water mark of RSS for the process. */
    readonly rss: number;
  };
  readonly gc: Readonly<Record<GcKind, GcReport>> & { readonly total: GcReport };
  /** Share of time the event loop was busy: since the inspector started, and since the previous GET. */
  readonly eventLoopUtilization: { readonly sinceStart: number; readonly sinceLastRead: number };
  /** The expensive operation running now (snapshot, compare, CPU profile...), if any. */
  readonly running?: string | null;
  /** The keys of the stored snapshots, oldest first. */
  readonly snapshots?: readonly string[];
}

/** Reads memory for the report; keeps the event-loop figures of the previous read. */
export class MemoryReader {
  private readonly started: EventLoopUtilization = performance.eventLoopUtilization();
  private last: EventLoopUtilization = this.started;
  private readonly startedAt = Date.now();

  constructor(private readonly gc: GcSampler) {}

  read(): MemoryReport {
    this.gc.drain();
    const m = readMemory();
    const heap = getHeapStatistics();
    const now = performance.eventLoopUtilization();
    const sinceStart = performance.eventLoopUtilization(now, this.started).utilization;
    const sinceLastRead = performance.eventLoopUtilization(now, this.last).utilization;
    this.last = now;
    const kinds = Object.fromEntries(GC_KINDS.map((k) => {
      const t = this.gc.totals.get(k)!;
      return [k, { count: t.count, pauseSeconds: round6(t.pauseSeconds) }];
    })) as Record<GcKind, GcReport>;
    const total = GC_KINDS.reduce((a, k) => ({ count: a.count + kinds[k].count, pauseSeconds: round6(a.pauseSeconds + kinds[k].pauseSeconds) }), { count: 0, pauseSeconds: 0 });
    return {
      at: new Date().toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      heapUsed: heap.used_heap_size,
      heapTotal: heap.total_heap_size,
      heapLimit: heap.heap_size_limit,
      external: m.external,
      arrayBuffers: m.arrayBuffers,
      rss: m.rss,
      peak: { heapAfterGc: this.gc.heapAfterPeak, rss: m.rssPeak },
      gc: { ...kinds, total },
      eventLoopUtilization: { sinceStart: round6(sinceStart), sinceLastRead: round6(sinceLastRead) },
    };
  }
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
