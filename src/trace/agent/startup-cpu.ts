import type { V8CpuProfile } from '../cpu-profile.js';
import { startProfiler } from '../cpu.js';
import { SyncSession } from '../session.js';

/**
 * With `--cpu`, the CPU profiler starts on the traced thread itself, before the program's first
 * line, so the program never waits for the agent thread to boot (about 40-100 ms here) and the
 * profile still covers it from the start. The agent starts its own profiler when it is up (its
 * chunks land in the agent's heap, not the program's); at the program's next turn of its event
 * loop (or at its end, for a program that never yields) this one is stopped and handed over, and
 * the agent joins the part before its own profile began. A session of its own, so a program that
 * uses `logsift/trace`'s startCpuProfile is not disturbed.
 */
export class StartupCpuProfile {
  private session: SyncSession | null;

  constructor() {
    const session = new SyncSession();
    startProfiler(session);
    this.session = session;
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
