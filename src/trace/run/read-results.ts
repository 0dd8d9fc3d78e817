import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FILES } from '../agent/control.js';
import type { AgentCapture, AgentClaim, AgentPeaks, AgentResult } from '../agent/results.js';
import type { V8CpuProfile } from '../cpu-profile.js';
import type { V8HeapProfile } from '../heap-profile.js';

/** Everything the traced process left in the control folder, however it ended. */
export interface TraceFiles {
  readonly dir: string;
  /** Missing when no Node process started (or it could not load the tracer). */
  readonly claim?: AgentClaim;
  /** Missing when the program was killed before it could end normally. */
  readonly result?: AgentResult;
  /** The latest peaks written while running (for a program that was killed). */
  readonly peaks?: AgentPeaks;
  readonly peak?: { readonly capture: AgentCapture; readonly profile: V8HeapProfile };
  readonly exit?: { readonly capture: AgentCapture; readonly profile: V8HeapProfile };
  readonly cpu?: V8CpuProfile;
  /** Path of a heap snapshot at the peak, when --snapshot took one. */
  readonly heapSnapshot?: string;
  readonly notes: ReadonlyArray<{ readonly kind: string; readonly message?: string }>;
  /** Other Node processes that started under the program (child processes), by marker. */
  readonly otherProcesses: number;
  /** Worker threads the program made (markers left by the preload). */
  readonly workerThreads: number;
  /** Whether the agent failed to start. */
  readonly agentFailed: boolean;
}

function readJson<T>(dir: string, name: string): T | undefined {
  const p = join(dir, name);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as T;
  } catch {
    return undefined; // cut short by a kill mid-write cannot happen (atomic writes), but a full disk can
  }
}

export function readTraceFiles(dir: string): TraceFiles {
  const result = readJson<AgentResult>(dir, FILES.result);
  const peakCapture = readJson<AgentCapture>(dir, FILES.peak);
  const peakProfile = peakCapture ? readJson<V8HeapProfile>(dir, peakCapture.profileFile) : undefined;
  const exitProfile = result ? readJson<V8HeapProfile>(dir, result.exit.profileFile) : undefined;
  const others = existsSync(join(dir, FILES.others)) ? readdirSync(join(dir, FILES.others)) : [];
  const notes = existsSync(join(dir, FILES.notes))
    ? readFileSync(join(dir, FILES.notes), 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as { kind: string; message?: string }];
          } catch {
            return [];
          }
        })
    : [];
  const claim = readJson<AgentClaim>(dir, FILES.claim);
  const peaks = readJson<AgentPeaks>(dir, 'peaks.json');
  const cpu = readJson<V8CpuProfile>(dir, FILES.cpu);
  return {
    dir,
    ...(claim ? { claim } : {}),
    ...(result ? { result } : {}),
    ...(peaks ? { peaks } : {}),
    ...(peakCapture && peakProfile ? { peak: { capture: peakCapture, profile: peakProfile } } : {}),
    ...(result && exitProfile ? { exit: { capture: result.exit, profile: exitProfile } } : {}),
    ...(cpu ? { cpu } : {}),
    ...(existsSync(join(dir, FILES.heapSnapshot)) ? { heapSnapshot: join(dir, FILES.heapSnapshot) } : {}),
    notes,
    otherProcesses: others.filter((o) => o.startsWith('process-')).length,
    workerThreads: others.filter((o) => o.startsWith('worker-')).length,
    agentFailed: others.includes('agent-failed'),
  };
}
