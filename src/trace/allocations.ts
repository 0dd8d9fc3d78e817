import { tracesOfHeapProfile, type V8HeapProfile } from './heap-profile.js';
import { mapTraces } from './map-traces.js';
import { readMemory } from './memory-peaks.js';
import { threadSession } from './session.js';
import { Snapshot } from './snapshot.js';
import { SourceMapper } from './source-maps.js';
import { DEFAULT_INTERVAL, ThreadTracer } from './thread-tracer.js';

let running: number | null = null;

/**
 * Starts counting every byte allocated on this thread, kept or not: V8's sampling heap profiler
 * with the samples of collected objects kept (memray's "allocations" view, where a snapshot is
 * tracemalloc's "live now"). It is the view for a streaming run, whose memory is garbage within a
 * batch: what a stage allocates is its cost even though nothing of it stays. It cannot run while
 * start() traces this thread (one sampler per thread).
 */
export function startAllocationProfile(options: { readonly interval?: number } = {}): void {
  if (running !== null) throw new Error('an allocation profile is already running: stopAllocationProfile() first');
  if (ThreadTracer.current()?.active) throw new Error('this thread is traced (start()): stop() first, the two share V8\'s sampler');
  const interval = options.interval ?? DEFAULT_INTERVAL;
  const session = threadSession();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', { samplingInterval: interval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  running = interval;
}

/** Stops it: a Snapshot whose sizes are bytes allocated since the start (statistics, filter and dump as usual). */
export function stopAllocationProfile(): Snapshot {
  if (running === null) throw new Error('no allocation profile is running: startAllocationProfile() first');
  const interval = running;
  running = null;
  const session = threadSession();
  const { profile } = session.post<{ profile: V8HeapProfile }>('HeapProfiler.getSamplingProfile');
  session.post('HeapProfiler.stopSampling');
  const reading = readMemory();
  return new Snapshot({
    traces: mapTraces(tracesOfHeapProfile(profile, interval), new SourceMapper()),
    memory: { heapUsed: reading.heapUsed, external: reading.external, arrayBuffers: reading.arrayBuffers, rss: reading.rss },
    interval,
    precise: false,
    takenAt: new Date().toISOString(),
  });
}
