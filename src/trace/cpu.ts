import { CpuProfile, type V8CpuProfile } from './cpu-profile.js';
import { threadSession, type SyncSession } from './session.js';
import { SourceMapper } from './source-maps.js';
import { SourceText } from './source-text.js';

/** The sampling interval of CPU profiles unless asked otherwise: 1 ms costs next to nothing. */
export const DEFAULT_CPU_INTERVAL_US = 1000;

let running = false;

/**
 * Starts V8's CPU profiler on this thread: a sample of the stack every `interval` microseconds
 * (default 1000; V8 treats it as a request, and the profile's timestamps say what it did).
 */
export function startCpuProfile(options: { readonly interval?: number } = {}): void {
  if (running) throw new Error('a CPU profile is already running: stopCpuProfile() first');
  const interval = options.interval ?? DEFAULT_CPU_INTERVAL_US;
  if (!Number.isInteger(interval) || interval < 1) throw new RangeError(`interval must be a whole number of microseconds, got ${interval}`);
  startProfiler(threadSession(), interval);
  running = true;
}

/** V8's CPU profiler on a session of this thread, sampling every `interval` µs. */
export function startProfiler(session: SyncSession, interval: number = DEFAULT_CPU_INTERVAL_US): void {
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval });
  session.post('Profiler.start');
}

/** Stops the profiler and reads the profile: pstats-like statistics, callers, callees and lines. */
export async function stopCpuProfile(): Promise<CpuProfile> {
  if (!running) throw new Error('no CPU profile is running: startCpuProfile() first');
  running = false;
  const session = threadSession();
  const { profile } = session.post<{ profile: V8CpuProfile }>('Profiler.stop');
  session.post('Profiler.disable');
  const maps = new SourceMapper();
  return new CpuProfile(profile, { maps, text: new SourceText(maps) });
}
