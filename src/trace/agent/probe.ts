import type { MemoryReading } from '../memory-peaks.js';
import type { Poll, ThreadTracer } from '../thread-tracer.js';
import type { Trace } from '../trace.js';

/** Where the probe lives on the traced thread's global object (not enumerable). */
export const PROBE_KEY = 'logsift.trace.probe';

/** What the agent reads right after the collection its heap profile request forced. */
export interface AfterCapture {
  readonly at: number;
  readonly reading: MemoryReading;
  readonly offHeap: readonly Trace[];
}

export interface PollAt extends Poll {
  readonly at: number;
}

/**
 * The traced thread's side of `logsift trace`: a few functions the agent thread calls through the
 * inspector (Runtime.evaluate). The inspector runs them at the next interrupt check even while
 * the program computes without yielding, so the agent sees a busy program as well as an idle one.
 * They touch only the tracer's own state, and each state change is one Map operation, so running
 * between two statements of the tracer's own code is harmless.
 */
export interface Probe {
  poll(): PollAt;
  afterCapture(): AfterCapture;
  /** Whether the program listens for `signal` itself (beyond the tracer). */
  handles(signal: string): boolean;
  /** Whether the thread saw `signal` within the last `ms`. */
  sawRecently(signal: string, ms: number): boolean;
  /**
   * Removes the tracer's signal listeners, so that the signal the agent then sends ends the
   * process as it would have without the tracer (the agent sends it after letting its session go:
   * Node prints "Waiting for the debugger to disconnect..." when a process signals itself while a
   * session is connected).
   */
  unlisten(): void;
  /** Sends `signal` to this process for the program's own listeners (it reached only logsift). */
  forward(signal: string): void;
}

export function makeProbe(tracer: ThreadTracer, signals: { seen: Map<string, number>; unlisten: () => void; listener: (...args: unknown[]) => void }): Probe {
  return {
    poll: () => ({ ...tracer.poll(), at: Date.now() }),
    afterCapture: () => ({ ...tracer.afterCollection(), at: Date.now() }),
    handles: (signal) => process.listeners(signal as NodeJS.Signals).some((l) => l !== signals.listener),
    sawRecently: (signal, ms) => Date.now() - (signals.seen.get(signal) ?? 0) < ms,
    unlisten: () => signals.unlisten(),
    forward: (signal) => void process.kill(process.pid, signal as NodeJS.Signals),
  };
}

export function installProbe(probe: Probe): void {
  Object.defineProperty(globalThis, Symbol.for(PROBE_KEY), { value: probe, configurable: true, enumerable: false, writable: false });
}
