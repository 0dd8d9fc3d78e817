import { channel } from 'node:diagnostics_channel';
import { getHeapStatistics } from 'node:v8';

/** What a stage publishes after each batch on `stageChannel`, for observers such as a tracer. */
export interface StageEvent {
  /** The run (RunContext) it belongs to. */
  readonly run: number;
  readonly stage: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly ms: number;
  readonly bytes: number;
}

/**
 * `logsift:stage`: one message per batch and stage, published only while someone subscribes
 * (node:diagnostics_channel), so the hot path pays nothing for observers it does not have.
 */
export const stageChannel = channel('logsift:stage');

/**
 * One stage's counters: records in and out, and the time spent in the stage's own synchronous
 * work (upstream time is not included: it is measured around the body only). Every stage times
 * itself through `begin` / `end` around its work on a batch, the one place timing lives.
 */
export class StageMeter {
  recordsIn = 0;
  recordsOut = 0;
  ms = 0;
  /** Bytes handled, for stages where bytes mean something (reading). */
  bytes = 0;
  private started = 0;
  private pendingIn = 0;

  constructor(
    readonly name: string,
    private readonly run: number,
  ) {}

  /** Starts timing a batch of `recordsIn` records. Not reentrant: stages work one batch at a time. */
  begin(recordsIn: number): void {
    this.pendingIn = recordsIn;
    this.started = performance.now();
  }

  /** Ends the batch begun last: `recordsOut` records (and `bytes`) went on. */
  end(recordsOut: number, bytes = 0): void {
    const ms = performance.now() - this.started;
    this.add(this.pendingIn, recordsOut, ms, bytes);
  }

  /** Adds figures measured elsewhere (a reader times its awaits itself). */
  add(recordsIn: number, recordsOut: number, ms: number, bytes = 0): void {
    this.recordsIn += recordsIn;
    this.recordsOut += recordsOut;
    this.ms += ms;
    this.bytes += bytes;
    if (stageChannel.hasSubscribers) {
      stageChannel.publish({ run: this.run, stage: this.name, recordsIn, recordsOut, ms, bytes } satisfies StageEvent);
    }
  }
}

let runs = 0;

/** The meters of one run, in pipeline order, and the peak heap seen between batches. */
export class Meters {
  readonly stages: StageMeter[] = [];
  readonly run = ++runs;
  peakHeapBytes = 0;
  private readonly startedAt = performance.now();

  /**
   * Registers a stage, in pipeline order. Two stages of one name (two `where`s) get their own
   * rows: the second is called `filter#2`.
   */
  stage(name: string): StageMeter {
    let unique = name;
    for (let n = 2; this.find(unique); n++) unique = `${name}#${n}`;
    const meter = new StageMeter(unique, this.run);
    this.stages.push(meter);
    return meter;
  }

  /** The stage registered under this name, if any. */
  find(name: string): StageMeter | undefined {
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
