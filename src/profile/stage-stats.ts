import { getHeapStatistics } from 'node:v8';

/**
 * Per-stage counters for --profile: records in and out and the time spent inside the stage's own
 * synchronous work (upstream time is not included because it is measured around the body only).
 */
export class StageStats {
  recordsIn = 0;
  recordsOut = 0;
  /** Milliseconds spent in this stage's own work. */
  ms = 0;
  /** Bytes handled, for stages where bytes mean something (reading). */
  bytes = 0;

  constructor(readonly name: string) {}
}

/** Samples memory cheaply (once per batch) and keeps the peaks. */
export class Profile {
  readonly stages: StageStats[] = [];
  peakHeapBytes = 0;
  private readonly startedAt = performance.now();

  /**
   * Registers a stage, in pipeline order. Two stages of one name (two `where`s) get their own
   * rows: the second is called `filter#2`.
   */
  stage(name: string): StageStats {
    let unique = name;
    for (let n = 2; this.find(unique); n++) unique = `${name}#${n}`;
    const stats = new StageStats(unique);
    this.stages.push(stats);
    return stats;
  }

  /** The stage registered under this name, if any. */
  find(name: string): StageStats | undefined {
    return this.stages.find((s) => s.name === name);
  }

  /** Called once per batch: V8's heap statistics need no system call, unlike memoryUsage(). */
  sampleMemory(): void {
    const heap = getHeapStatistics().used_heap_size;
    if (heap > this.peakHeapBytes) this.peakHeapBytes = heap;
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }
}
