import type { MemoryReading } from '../memory-peaks.js';
import type { Trace } from '../trace.js';

/** One look at what was live (after a forced collection), as the agent writes it. */
export interface AgentCapture {
  /** When (ms since the epoch). */
  readonly at: number;
  readonly reading: MemoryReading;
  readonly offHeap: readonly Trace[];
  /** The file (in the control folder) holding the V8 heap profile of this capture. */
  readonly profileFile: string;
}

export interface MemoryTotals {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

/** Peaks so far, written about once a second, so a killed program still has them. */
export interface AgentPeaks {
  readonly at: number;
  readonly peak: MemoryTotals;
  readonly collections: number;
  readonly captures: number;
  readonly captureMs: number;
  readonly workers: number;
}

export type AgentEnd =
  | { readonly reason: 'exit'; readonly code: number }
  | { readonly reason: 'signal'; readonly signal: string };

export interface HeapSnapshotInfo {
  /** Live heap when the snapshot was taken, or undefined if none was. */
  readonly takenAtHeap?: number;
  /** The live heap that exceeded the bound, when a later snapshot was refused. */
  readonly refusedAtHeap?: number;
  readonly limit: number;
}

/** What the agent writes when the program ends (result.json). */
export interface AgentResult extends AgentPeaks {
  readonly version: 1;
  readonly pid: number;
  readonly startedAt: number;
  readonly end: AgentEnd;
  readonly exit: AgentCapture;
  readonly exitMemory: MemoryTotals;
  readonly cpu: boolean;
  readonly snapshot?: HeapSnapshotInfo;
}

/** The claim of the traced process (claim.json). */
export interface AgentClaim {
  readonly pid: number;
  readonly startedAt: number;
  readonly interval: number;
  readonly precise: boolean;
  readonly argv: readonly string[];
}

/** For a capture's trace list sent by value through the inspector: plain data only. */
export type PlainTrace = Trace;
