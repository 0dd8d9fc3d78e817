import { tracesOfHeapProfile } from './heap-profile.js';
import type { TracedMemory } from './memory-peaks.js';
import { Snapshot } from './snapshot.js';
import { SourceMapper } from './source-maps.js';
import { ThreadTracer, type TraceOptions } from './thread-tracer.js';
import { mapTraces } from './map-traces.js';

/**
 * The tracemalloc-shaped API of `logsift/trace`, for the thread that calls it:
 *
 *   start(); ...; const a = await takeSnapshot(); ...; const b = await takeSnapshot();
 *   for (const d of b.compareTo(a, 'lineno').slice(0, 10)) console.log(d);
 */

let mine: ThreadTracer | null = null;
let pollTimer: ReturnType<typeof setInterval> | null = null;
const maps = new SourceMapper();

/** How often the peaks are brought up to date while the program idles (they are also at every call). */
const POLL_MS = 1000;

/** Starts tracing memory (heap sampling, Buffer sampling, the GC watch). Starting twice does nothing. */
export function start(options: TraceOptions = {}): void {
  if (mine) return;
  mine = ThreadTracer.acquire(options);
  const t = mine;
  // Keeps the GC profiler's record short in a long-running program; never keeps the process alive.
  pollTimer = setInterval(() => t.poll(), POLL_MS);
  pollTimer.unref();
}

/** Stops tracing; snapshots taken stay valid. Stopping when not tracing does nothing. */
export function stop(): void {
  if (!mine) return;
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
  mine.release();
  mine = null;
}

export function isTracing(): boolean {
  return mine !== null;
}

function tracer(what: string): ThreadTracer {
  if (!mine) throw new Error(`${what} needs tracing to be on: call start() first`);
  return mine;
}

/**
 * The memory live now, after a full garbage collection (which V8 runs before it hands out the
 * profile: about 0.2-0.5 s on a 150 MB heap). Positions are mapped through source maps.
 */
export async function takeSnapshot(): Promise<Snapshot> {
  const t = tracer('takeSnapshot()');
  const { profile, offHeap, reading } = t.capture();
  const traces = mapTraces([...tracesOfHeapProfile(profile, t.interval), ...offHeap], maps);
  return new Snapshot({
    traces,
    memory: { heapUsed: reading.heapUsed, external: reading.external, arrayBuffers: reading.arrayBuffers, rss: reading.rss },
    interval: t.interval,
    precise: t.precise,
    takenAt: new Date().toISOString(),
  });
}

/** Live heap now and at its peak, and the same for memory outside the heap (see TracedMemory). */
export function getTracedMemory(): TracedMemory {
  return tracer('getTracedMemory()').traced();
}

/** Starts the peaks afresh from the memory in use now. */
export function resetPeak(): void {
  tracer('resetPeak()').resetPeak();
}
