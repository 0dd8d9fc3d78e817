import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V8CpuProfile } from '../cpu-profile.js';
import type { AgentEnd } from './results.js';

/**
 * How `logsift trace` and the traced process talk: through files in a private temporary folder
 * named by LOGSIFT_TRACE_DIR (no socket, no port). The traced process writes what it measured;
 * the parent reads it after the process ended, however it ended (a capture at a new peak is
 * written when it is taken, so a crash or SIGKILL still leaves it).
 */
export const ENV_DIR = 'LOGSIFT_TRACE_DIR';
export const ENV_OPTIONS = 'LOGSIFT_TRACE_OPTIONS';

/** The name the agent thread carries, so it is never counted among the program's own threads. */
export const AGENT_NAME = 'logsift-trace-agent';

export const FILES = {
  /** The first Node process to start claims the trace (its pid); later ones leave markers in `others/`. */
  claim: 'claim.json',
  others: 'others',
  /** The capture at the highest live heap so far (AgentCapture). */
  peak: 'peak.json',
  /** The raw V8 profile of that capture (.heapprofile, for --out). */
  peakProfile: 'peak.heapprofile',
  /** Written when the program ends normally or by a handled signal (AgentResult). */
  result: 'result.json',
  /** The raw V8 profile at exit. */
  exitProfile: 'exit.heapprofile',
  /** The CPU profile, merged over its chunks, updated at each chunk. */
  cpu: 'cpu.cpuprofile',
  /** A heap snapshot at the peak (--snapshot). */
  heapSnapshot: 'peak.heapsnapshot',
  /** Facts the agent learnt that the report should say (JSON lines). */
  notes: 'notes.jsonl',
  /** A signal the parent received (its name), for a program too busy to see it. */
  signal: 'signal',
} as const;

/** What the parent asks for, passed in LOGSIFT_TRACE_OPTIONS. */
export interface AgentOptions {
  readonly interval: number;
  readonly precise: boolean;
  readonly cpu: boolean;
  readonly snapshot: boolean;
  /** Live heap above which no heap snapshot is taken (Infinity with --force). */
  readonly snapshotLimit: number;
}

/**
 * What the traced thread tells the agent: with --cpu, the profile it ran until the agent was up
 * (the agent's own profiler starts then); and that the program ends, with what is left of that
 * profile if it never got to hand it over (a program that never yields to its event loop).
 */
export type ToAgent =
  | { readonly type: 'cpu-handover'; readonly profile: V8CpuProfile }
  | { readonly type: 'finish'; readonly end: AgentEnd; readonly startupCpu?: V8CpuProfile };

/** Writes a file whole or not at all: a reader never sees half a capture. */
export function writeAtomic(dir: string, name: string, text: string | Uint8Array): void {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, name));
}

export function markOther(dir: string, what: string): void {
  try {
    mkdirSync(join(dir, FILES.others), { recursive: true });
    writeFileSync(join(dir, FILES.others, what), '');
  } catch {
    // the parent may have gone: nothing to report to
  }
}
