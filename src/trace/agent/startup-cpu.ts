import type { V8CpuProfile } from '../cpu-profile.js';
import { DEFAULT_CPU_INTERVAL_US } from '../cpu.js';
import { SyncSession } from '../session.js';

/**
 * With `--cpu`, the CPU profiler starts on the traced thread itself, before the program's first
 * line, so the program never waits for the agent thread to boot (about 40-100 ms here) and the
 * profile still covers it from the start. Once the agent is up, this profile is stopped and handed
 * over, and the agent's own profiler (whose chunks land in the agent's heap, not the program's)
 * takes over; a program that never yields to its event loop keeps this one until it ends. A
 * session of its own, so a program that uses `logsift/trace`'s startCpuProfile is not disturbed.
 */
export class StartupCpuProfile {
  private session: SyncSession | null = new SyncSession();

  constructor() {
    this.session!.post('Profiler.enable');
    this.session!.post('Profiler.setSamplingInterval', { interval: DEFAULT_CPU_INTERVAL_US });
    this.session!.post('Profiler.start');
  }

  /** The profile so far, once: undefined when it was already handed over. */
  stop(): V8CpuProfile | undefined {
    const session = this.session;
    if (!session) return undefined;
    this.session = null;
    try {
      return session.post<{ profile: V8CpuProfile }>('Profiler.stop').profile;
    } finally {
      session.disconnect();
    }
  }
}
