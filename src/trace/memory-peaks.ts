import { getHeapStatistics } from 'node:v8';
import type { GcFigures } from './gc-watch.js';

export interface MemoryFigure {
  /** Bytes now. */
  readonly current: number;
  /** The high-water mark since tracing started or the peak was reset. */
  readonly peak: number;
}

/**
 * `getTracedMemory()`: `current` and `peak` are the live heap (heap in use after a garbage
 * collection: the latest one, and the most of any since start or resetPeak), so `peak >= current`
 * always, as in tracemalloc. External memory (Buffer contents and what else native code tells V8
 * about) and array buffers are outside the heap and have their own figures, so memory outside the
 * heap is never silently missing.
 */
export interface TracedMemory extends MemoryFigure {
  readonly external: MemoryFigure;
  readonly arrayBuffers: MemoryFigure;
  /** Resident set size; its peak is the operating system's high-water mark for the whole process. */
  readonly rss: MemoryFigure;
}

/** A reading of process.memoryUsage() and friends, taken on the traced thread. */
export interface MemoryReading {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
  /** The operating system's high-water mark of RSS for the whole process (getrusage). */
  readonly rssPeak: number;
}

export function readMemory(): MemoryReading {
  const m = process.memoryUsage();
  return {
    heapUsed: getHeapStatistics().used_heap_size,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    rss: m.rss,
    rssPeak: Math.max(m.rss, process.resourceUsage().maxRSS * 1024),
  };
}

/** Peak-keeping over GC figures and readings; the same arithmetic for the library and `logsift trace`. */
export class MemoryPeaks {
  liveHeap = 0;
  liveHeapPeak = 0;
  externalPeak = 0;
  arrayBuffersPeak = 0;
  /** When the live heap last set a new peak (ms, performance.now() of the traced thread). */
  liveHeapPeakAt = 0;

  /** Folds in what the collections showed; with no collection yet, the heap in use stands for live. */
  gc(g: GcFigures, now: MemoryReading, at = performance.now()): void {
    if (g.heapAfterLast !== undefined) this.liveHeap = g.heapAfterLast;
    else if (this.liveHeap === 0) this.liveHeap = now.heapUsed;
    const highest = Math.max(g.heapAfterMax ?? 0, this.liveHeap);
    if (highest > this.liveHeapPeak) {
      this.liveHeapPeak = highest;
      this.liveHeapPeakAt = at;
    }
    if (g.externalMax !== undefined && g.externalMax > this.externalPeak) this.externalPeak = g.externalMax;
    this.reading(now);
  }

  /** A reading right after a forced collection: its heap in use is live. */
  afterCollection(now: MemoryReading, at = performance.now()): void {
    this.liveHeap = now.heapUsed;
    if (now.heapUsed > this.liveHeapPeak) {
      this.liveHeapPeak = now.heapUsed;
      this.liveHeapPeakAt = at;
    }
    this.reading(now);
  }

  reading(now: MemoryReading): void {
    if (now.external > this.externalPeak) this.externalPeak = now.external;
    if (now.arrayBuffers > this.arrayBuffersPeak) this.arrayBuffersPeak = now.arrayBuffers;
  }

  reset(now: MemoryReading): void {
    this.liveHeapPeak = this.liveHeap;
    this.externalPeak = now.external;
    this.arrayBuffersPeak = now.arrayBuffers;
  }

  traced(now: MemoryReading): TracedMemory {
    return {
      current: this.liveHeap,
      peak: Math.max(this.liveHeapPeak, this.liveHeap),
      external: { current: now.external, peak: Math.max(this.externalPeak, now.external) },
      arrayBuffers: { current: now.arrayBuffers, peak: Math.max(this.arrayBuffersPeak, now.arrayBuffers) },
      rss: { current: now.rss, peak: now.rssPeak },
    };
  }
}
