import { setFlagsFromString } from 'node:v8';
import { BufferSampler } from './buffer-sampler.js';
import { GcWatch } from './gc-watch.js';
import type { V8HeapProfile } from './heap-profile.js';
import { MemoryPeaks, readMemory, type MemoryReading, type TracedMemory } from './memory-peaks.js';
import { threadSession } from './session.js';
import type { Trace } from './trace.js';

/** V8's own default sampling interval, and tracemalloc-like tools': 32 KiB between samples on average. */
export const DEFAULT_INTERVAL = 32 * 1024;

export interface TraceOptions {
  /** Mean bytes between heap samples (default 32 KiB). Smaller is more detailed and slower. */
  readonly interval?: number;
  /**
   * Turn V8's allocation folding off, for accurate live bytes: folded allocations share one
   * sample, which can die with a temporary and undercount what was kept. Costs some speed, and
   * applies to code optimised from now on (`logsift trace --precise` sets it before any code runs).
   */
  readonly precise?: boolean;
}

/** What one look at the traced thread gives: the GC figures folded into the peaks, and a reading. */
export interface Poll {
  readonly reading: MemoryReading;
  readonly liveHeap: number;
  readonly liveHeapPeak: number;
  readonly externalPeak: number;
  readonly arrayBuffersPeak: number;
  readonly collections: number;
  /**
   * The most heap left after a collection since the last look (the live heap if none ran), plus
   * the most external memory: the level this window reached, which falls again after a peak.
   */
  readonly windowHigh: number;
}

const STATE = Symbol.for('logsift.trace.thread-tracer');

type GlobalWithTracer = typeof globalThis & { [STATE]?: ThreadTracer };

export function checkInterval(interval: number): number {
  if (!Number.isInteger(interval) || interval < 1 || interval > 2 ** 31 - 1) {
    throw new RangeError(`interval must be a whole number of bytes from 1 to 2^31-1, got ${interval}`);
  }
  return interval;
}

/**
 * The tracer of one thread: heap sampling (V8's sampler, started on this thread's inspector),
 * the Buffer sampler, and the GC watch behind the peaks. One per thread, shared by whoever traces
 * it (the library's start(), `logsift trace`'s preload): users are counted, and the last to
 * release it stops it. Kept on globalThis under a registered symbol so that two copies of logsift
 * in one program share it rather than stop each other's sampler.
 */
export class ThreadTracer {
  readonly interval: number;
  readonly precise: boolean;
  readonly startedAt = new Date();
  readonly buffers: BufferSampler;
  readonly peaks = new MemoryPeaks();
  private readonly gc = new GcWatch();
  private users = 0;
  private totalCollections = 0;

  private constructor(options: TraceOptions) {
    this.interval = checkInterval(options.interval ?? DEFAULT_INTERVAL);
    this.precise = options.precise ?? false;
    this.buffers = new BufferSampler(this.interval);
  }

  static current(): ThreadTracer | undefined {
    return (globalThis as GlobalWithTracer)[STATE];
  }

  /** Starts tracing this thread, or joins the tracing already running (its interval stays). */
  static acquire(options: TraceOptions = {}): ThreadTracer {
    let t = ThreadTracer.current();
    if (!t) {
      t = new ThreadTracer(options);
      t.begin();
      Object.defineProperty(globalThis, STATE, { value: t, configurable: true, enumerable: false, writable: false });
    }
    t.users++;
    return t;
  }

  /** One user is done; the last one stops the sampler and restores Buffer. */
  release(): void {
    if (--this.users > 0) return;
    try {
      threadSession().post('HeapProfiler.stopSampling');
    } catch {
      // already stopped (by a heap snapshot session's disable, for instance)
    }
    this.gc.stop();
    this.buffers.uninstall();
    delete (globalThis as GlobalWithTracer)[STATE];
  }

  get active(): boolean {
    return this.users > 0;
  }

  private begin(): void {
    if (this.precise) setFlagsFromString('--no-turbo-allocation-folding');
    const session = threadSession();
    session.post('HeapProfiler.enable');
    session.post('HeapProfiler.startSampling', { samplingInterval: this.interval });
    this.gc.start();
    this.buffers.install();
    this.peaks.gc(this.gc.drain(), readMemory());
  }

  /** Folds the collections since the last look into the peaks, and reads memory now. */
  poll(): Poll {
    const reading = readMemory();
    const g = this.gc.drain();
    this.totalCollections += g.collections;
    this.peaks.gc(g, reading);
    this.buffers.sweep();
    const windowHigh = Math.max(g.heapAfterMax ?? 0, this.peaks.liveHeap) + Math.max(g.externalMax ?? 0, reading.external);
    return {
      windowHigh,
      reading,
      liveHeap: this.peaks.liveHeap,
      liveHeapPeak: this.peaks.liveHeapPeak,
      externalPeak: this.peaks.externalPeak,
      arrayBuffersPeak: this.peaks.arrayBuffersPeak,
      collections: this.totalCollections,
    };
  }

  /**
   * What is live now, read on this thread: the heap profile (V8 runs a full collection first) and
   * the Buffer samples still reachable, with the memory reading right after the collection.
   */
  capture(): { profile: V8HeapProfile; offHeap: Trace[]; reading: MemoryReading } {
    const { profile } = threadSession().post<{ profile: V8HeapProfile }>('HeapProfiler.getSamplingProfile');
    return { profile, ...this.afterCollection() };
  }

  /** Right after a collection someone forced (this thread's capture, or logsift trace's agent). */
  afterCollection(): { offHeap: Trace[]; reading: MemoryReading } {
    this.poll();
    const reading = readMemory();
    this.peaks.afterCollection(reading);
    return { offHeap: this.buffers.traces(), reading };
  }

  traced(): TracedMemory {
    this.poll();
    return this.peaks.traced(readMemory());
  }

  resetPeak(): void {
    this.poll();
    this.peaks.reset(readMemory());
  }
}
