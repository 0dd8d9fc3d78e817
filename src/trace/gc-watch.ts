import { GCProfiler } from 'node:v8';

/** What the collections since the last look showed. */
export interface GcFigures {
  /** How many collections ran. */
  readonly collections: number;
  /** The most heap left in use after one of them (what was live), or undefined if none ran. */
  readonly heapAfterMax: number | undefined;
  /** Heap in use after the last one. */
  readonly heapAfterLast: number | undefined;
  /** The most external memory (Buffer contents and other memory V8 is told about) seen at one. */
  readonly externalMax: number | undefined;
}

interface GcStatistics {
  readonly statistics: ReadonlyArray<{
    readonly beforeGC: { readonly heapStatistics: { readonly usedHeapSize: number; readonly externalMemory: number } };
    readonly afterGC: { readonly heapStatistics: { readonly usedHeapSize: number; readonly externalMemory: number } };
  }>;
}

/**
 * Watches every garbage collection through V8's GC profiler (node:v8 GCProfiler), which records
 * heap figures before and after each one in native code, while JavaScript runs or not: so the
 * high-water mark of live heap is seen even in a program that never yields to the event loop.
 * The record grows (about 3 KB a collection) until `drain` reads it; a new profiler starts before
 * the old one stops, so no collection falls between them.
 */
export class GcWatch {
  private profiler: GCProfiler | null = null;

  start(): void {
    if (this.profiler) return;
    this.profiler = new GCProfiler();
    this.profiler.start();
  }

  stop(): GcFigures {
    const figures = this.drain();
    this.profiler?.stop();
    this.profiler = null;
    return figures;
  }

  get running(): boolean {
    return this.profiler !== null;
  }

  drain(): GcFigures {
    const old = this.profiler;
    if (!old) return { collections: 0, heapAfterMax: undefined, heapAfterLast: undefined, externalMax: undefined };
    this.profiler = new GCProfiler();
    this.profiler.start();
    const data = old.stop() as unknown as GcStatistics | undefined;
    let heapAfterMax: number | undefined;
    let heapAfterLast: number | undefined;
    let externalMax: number | undefined;
    const stats = data?.statistics ?? [];
    for (const s of stats) {
      const after = s.afterGC.heapStatistics;
      const before = s.beforeGC.heapStatistics;
      heapAfterLast = after.usedHeapSize;
      if (heapAfterMax === undefined || after.usedHeapSize > heapAfterMax) heapAfterMax = after.usedHeapSize;
      const ext = Math.max(before.externalMemory ?? 0, after.externalMemory ?? 0);
      if (externalMax === undefined || ext > externalMax) externalMax = ext;
    }
    return { collections: stats.length, heapAfterMax, heapAfterLast, externalMax };
  }
}
