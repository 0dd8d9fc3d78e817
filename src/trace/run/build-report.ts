import type { AgentCapture, MemoryTotals } from '../agent/results.js';
import { CpuProfile, type FunctionStat } from '../cpu-profile.js';
import { DEFAULT_EXCLUDE, type FileFilter, type FilePattern } from '../file-patterns.js';
import { tracesOfHeapProfile, type V8HeapProfile } from '../heap-profile.js';
import { readHeapSnapshot } from '../heap-snapshot/read-snapshot.js';
import { summarizeHeap } from '../heap-snapshot/summary.js';
import { mapTraces } from '../map-traces.js';
import { TRACER_DIRS, isUnder } from '../own-files.js';
import { Snapshot } from '../snapshot.js';
import { SourceMapper } from '../source-maps.js';
import { SourceText } from '../source-text.js';
import { formatBytes } from '../units.js';
import type { TraceFiles } from './read-results.js';
import { REPORT_FORMAT, REPORT_VERSION, type CaptureInfo, type Coverage, type SiteRow, type TraceReport } from './report.js';
import type { ProgramEnd } from './run-traced.js';

/** Rows kept in the JSON report (the text shows --top of them). Bounds, not policies. */
const MAX_SITES = 500;
const MAX_FUNCTIONS = 200;
const MAX_LINES = 100;

export interface ReportInput {
  readonly command: readonly string[];
  readonly files: TraceFiles;
  readonly end: ProgramEnd;
  readonly interval: number;
  readonly precise: boolean;
  readonly cpu: boolean;
  readonly snapshot: boolean;
  readonly snapshotLimit: number;
  /** Whether the program is logsift itself: its frames are then the program's own. */
  readonly isLogsift: boolean;
  readonly include?: readonly FilePattern[];
  readonly exclude?: readonly FilePattern[];
}

/** The snapshots behind the report, for --out (dumped for `logsift trace compare`). */
export interface ReportSnapshots {
  readonly peak?: Snapshot;
  readonly exit?: Snapshot;
  readonly cpu?: CpuProfile;
}

/** The filters of a trace's snapshots: logsift's own frames are hidden unless logsift is the program. */
export function traceFilters(isLogsift: boolean, include?: readonly FilePattern[], exclude?: readonly FilePattern[]): FileFilter[] {
  const base = isLogsift ? DEFAULT_EXCLUDE.filter((p) => p === 'node:*') : DEFAULT_EXCLUDE;
  return [{ include: include ?? [], exclude: [...base, ...(exclude ?? [])] }];
}

export function buildReport(input: ReportInput): { report: TraceReport; snapshots: ReportSnapshots } {
  const { files } = input;
  const maps = new SourceMapper();
  const filters = traceFilters(input.isLogsift, input.include, input.exclude);
  const started = files.claim?.startedAt ?? files.result?.startedAt ?? 0;
  const snapshotOf = (c: { capture: AgentCapture; profile: V8HeapProfile } | undefined): Snapshot | undefined =>
    c &&
    new Snapshot({
      traces: mapTraces([...tracesOfHeapProfile(c.profile, input.interval), ...c.capture.offHeap], maps),
      memory: { heapUsed: c.capture.reading.heapUsed, external: c.capture.reading.external, arrayBuffers: c.capture.reading.arrayBuffers, rss: c.capture.reading.rss },
      interval: input.interval,
      precise: input.precise,
      takenAt: new Date(c.capture.at).toISOString(),
      filters,
    });
  const peak = snapshotOf(files.peak);
  const exit = snapshotOf(files.exit);
  const info = (s: Snapshot | undefined, c: AgentCapture | undefined): CaptureInfo | undefined =>
    s && c ? { atMs: c.at - started, heapUsed: c.reading.heapUsed, external: c.reading.external, sampled: s.total } : undefined;

  const peakTotals = files.result?.peak ?? files.peaks?.peak;
  const memoryPeak: MemoryTotals = peakTotals ?? { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
  const cpu = input.cpu && files.cpu ? new CpuProfile(files.cpu, { maps, text: new SourceText(maps) }) : undefined;
  // The tracer's own functions are its cost, not the program's: counted apart, never listed.
  const cpuFunctions: FunctionStat[] = [];
  const tracerCpu = { ms: 0, percent: 0 };
  for (const f of cpu?.statistics('self') ?? []) {
    if (!isUnder(f.file, TRACER_DIRS)) cpuFunctions.push(f);
    else {
      tracerCpu.ms += f.selfMs;
      tracerCpu.percent += f.selfPercent;
    }
  }
  const peakInfo = info(peak, files.peak?.capture);
  const exitInfo = info(exit, files.exit?.capture);

  const report: TraceReport = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    command: input.command,
    exitCode: input.end.exitCode,
    ...(input.end.signal ? { signal: input.end.signal } : {}),
    wallMs: input.end.wallMs,
    covers: coverage(input),
    memory: {
      interval: input.interval,
      precise: input.precise,
      peak: memoryPeak,
      ...(files.result ? { exit: files.result.exitMemory } : {}),
      ...(peakInfo ? { peakCapture: peakInfo } : {}),
      ...(exitInfo ? { exitCapture: exitInfo } : {}),
      atPeak: peak ? siteRows(peak) : [],
      atExit: exit ? siteRows(exit) : [],
      ...(input.snapshot ? { snapshot: heapSnapshotPart(input) } : {}),
    },
    ...(cpu
      ? {
          cpu: {
            durationMs: cpu.durationMs,
            samples: cpu.sampleCount,
            functions: cpuFunctions.slice(0, MAX_FUNCTIONS).map((f) => ({
              function: f.function,
              file: f.file,
              line: f.line,
              selfMs: round(f.selfMs),
              totalMs: round(f.totalMs),
              selfPercent: round(f.selfPercent),
              totalPercent: round(f.totalPercent),
            })),
            lines: cpu
              .lines()
              .filter((l) => !isUnder(l.file, TRACER_DIRS))
              .slice(0, MAX_LINES)
              .map((l) => ({ function: l.function, file: l.file, line: l.line, ms: round(l.ms), percent: round(l.percent), text: l.text })),
            tracer: { ms: round(tracerCpu.ms), percent: round(tracerCpu.percent) },
            ...(files.notes.some((n) => n.kind === 'cpu-timeline-folded') ? { timelineFolded: true } : {}),
          },
        }
      : {}),
  };
  return { report, snapshots: { ...(peak ? { peak } : {}), ...(exit ? { exit } : {}), ...(cpu ? { cpu } : {}) } };
}

const round = (x: number): number => Math.round(x * 100) / 100;

function siteRows(s: Snapshot): SiteRow[] {
  const total = s.total;
  return s
    .statistics('lineno')
    .slice(0, MAX_SITES)
    .map((st) => ({
      function: st.function,
      file: st.file,
      line: st.line,
      ...(st.via !== undefined ? { via: st.via } : {}),
      size: st.size,
      count: st.count,
      percent: total > 0 ? round((100 * st.size) / total) : 0,
      offHeap: st.offHeap,
    }));
}

function heapSnapshotPart(input: ReportInput): NonNullable<TraceReport['memory']['snapshot']> {
  const info = input.files.result?.snapshot;
  const path = input.files.heapSnapshot;
  const bound = formatBytes(input.snapshotLimit);
  if (!path) {
    const reached = info?.refusedAtHeap ?? input.files.peaks?.peak.heapUsed;
    return {
      refused:
        info?.refusedAtHeap !== undefined
          ? `not taken: the live heap reached ${formatBytes(info.refusedAtHeap)}, above the ${bound} bound (--force takes it anyway; a snapshot costs about 14x the heap in memory and tens of seconds per million objects)`
          : `not taken${reached !== undefined ? ` (live heap ${formatBytes(reached)})` : ''}: the program ended before a capture`,
    };
  }
  try {
    const summary = summarizeHeap(readHeapSnapshot(path), info?.takenAtHeap ?? 0);
    return summary;
  } catch (error) {
    return { refused: `could not be read: ${(error as Error).message}` };
  }
}

function coverage(input: ReportInput): Coverage {
  const { files, end } = input;
  const notes: string[] = [];
  const workers = Math.max(files.workerThreads, files.result?.workers ?? files.peaks?.workers ?? 0);
  const until: Coverage['until'] = !files.claim ? 'untraced' : files.result ? (files.result.end.reason === 'signal' ? 'signal' : 'exit') : 'killed';
  if (!files.claim) notes.push(files.agentFailed ? 'the tracer could not start in the program' : 'no Node.js process started: nothing was traced');
  else if (files.agentFailed) notes.push('the trace agent failed: memory figures may be missing');
  if (until === 'killed') {
    notes.push(
      `the program was ended by ${end.signal ?? `exit code ${end.exitCode}`} before the tracer could finish: memory at exit is unknown, the peak is the last capture${input.cpu ? ', the CPU profile ends at its last minute mark' : ''}`,
    );
  }
  if (workers > 0) notes.push(`${workers} worker thread${workers === 1 ? '' : 's'} of the program not traced (each has its own heap)`);
  if (files.otherProcesses > 0) notes.push(`${files.otherProcesses} child Node.js process${files.otherProcesses === 1 ? '' : 'es'} not traced`);
  for (const n of files.notes) if (n.kind === 'agent-error') notes.push(`tracer problem: ${n.message ?? 'unknown'}`);
  return {
    ...(files.claim ? { pid: files.claim.pid } : {}),
    until,
    workerThreads: workers,
    childProcesses: files.otherProcesses,
    notes,
  };
}
