import { join, sep } from 'node:path';
import { formatColumns } from '../profile/columns.js';
import type { CpuProfile } from '../trace/cpu-profile.js';
import { startAllocationProfile, stopAllocationProfile } from '../trace/allocations.js';
import { startCpuProfile, stopCpuProfile } from '../trace/cpu.js';
import { PACKAGE_ROOT, TRACER_DIRS } from '../trace/own-files.js';
import type { Snapshot } from '../trace/snapshot.js';
import { formatBytes, formatMs, formatPercent } from '../trace/units.js';

/** `--profile` (the stage table alone), `--profile=cpu`, `--profile=memory`. */
export type ProfileKind = 'stages' | 'cpu' | 'memory';

export const PROFILE_KINDS: readonly ProfileKind[] = ['stages', 'cpu', 'memory'];

const TOP = 10;

/** What each layer of src/ does in a query: the pipeline stage its time and bytes belong to. */
const STAGE_OF_FOLDER: Readonly<Record<string, string>> = {
  io: 'read (io)',
  formats: 'parse (formats)',
  query: 'filter (query)',
  aggregates: 'aggregate (aggregates)',
  engine: 'collect (engine)',
  operators: 'final (operators)',
  stages: 'stages',
  output: 'write (output)',
  core: 'core',
  profile: 'profile',
  cli: 'cli',
};

/** The stage of a function of logsift's own sources (source maps lead the bundle back to them). */
function stageOf(file: string): string {
  const src = PACKAGE_ROOT ? join(PACKAGE_ROOT, 'src') + sep : undefined;
  if (src && file.startsWith(src)) return STAGE_OF_FOLDER[file.slice(src.length).split(sep)[0]!] ?? 'other';
  if (file === '') return 'V8 and Node';
  if (file.startsWith('node:')) return 'V8 and Node';
  return 'other';
}

/**
 * Runs a query under the CPU profiler or the allocation profile and returns the lines to print
 * below the stage table: the top functions (or sites) and their sum by pipeline stage.
 */
export async function profiled(kind: Exclude<ProfileKind, 'stages'>, run: () => Promise<number>): Promise<{ code: number; lines: string[] }> {
  if (kind === 'cpu') {
    startCpuProfile();
    const code = await run().catch(async (error: unknown) => {
      await stopCpuProfile();
      throw error;
    });
    return { code, lines: cpuLines(await stopCpuProfile()) };
  }
  startAllocationProfile();
  const code = await run().catch((error: unknown) => {
    stopAllocationProfile();
    throw error;
  });
  return { code, lines: memoryLines(stopAllocationProfile()) };
}

function byStage(rows: readonly { file: string; value: number }[]): Map<string, number> {
  const stages = new Map<string, number>();
  for (const r of rows) stages.set(stageOf(r.file), (stages.get(stageOf(r.file)) ?? 0) + r.value);
  return new Map([...stages].sort((a, b) => b[1] - a[1]));
}

function place(s: { function: string; file: string; line: number }): string {
  const root = PACKAGE_ROOT ? PACKAGE_ROOT + sep : '';
  const file = root && s.file.startsWith(root) ? s.file.slice(root.length) : s.file;
  return file ? `${file}:${s.line} ${s.function}` : s.function;
}

function cpuLines(profile: CpuProfile): string[] {
  const stats = profile.statistics('self').filter((s) => !isTracer(s.file));
  const total = stats.reduce((n, s) => n + s.selfMs, 0);
  const top = stats.slice(0, TOP).map((s) => [formatMs(s.selfMs), formatPercent(s.selfPercent), formatMs(s.totalMs), place(s)]);
  const stages = [...byStage(stats.map((s) => ({ file: s.function === '(garbage collector)' ? 'gc' : s.file, value: s.selfMs })))];
  return [
    '',
    `cpu (main thread, --jobs 1): top ${TOP} functions by self time`,
    ...formatColumns(['self', 'self %', 'total', 'function'], top, { align: ['right', 'right', 'right', 'left'], trimEnd: true }),
    'self time by stage',
    ...formatColumns(['self', '%', 'stage'], stages.map(([stage, ms]) => [formatMs(ms), formatPercent(total > 0 ? (100 * ms) / total : 0), stage]), { align: ['right', 'right', 'left'], trimEnd: true }),
  ];
}

function memoryLines(allocations: Snapshot): string[] {
  const own = allocations.filter({ replace: true, include: PACKAGE_ROOT ? [join(PACKAGE_ROOT, 'src'), join(PACKAGE_ROOT, 'dist')] : [], exclude: ['node:*', ...TRACER_DIRS] });
  const sites = own.statistics('lineno');
  const total = allocations.traces.reduce((n, t) => n + t.size, 0);
  const top = sites.slice(0, TOP).map((s) => [formatBytes(s.size), formatPercent(total > 0 ? (100 * s.size) / total : 0), place(s) + (s.via ? ` via ${s.via}` : '')]);
  const stages = [...byStage(sites.map((s) => ({ file: s.file, value: s.size })))];
  return [
    '',
    `memory (main thread, --jobs 1): ${formatBytes(total)} allocated in all (sampled every ${formatBytes(allocations.interval)}, kept or not); top ${TOP} sites`,
    ...formatColumns(['allocated', '%', 'site'], top, { align: ['right', 'right', 'left'], trimEnd: true }),
    'allocated by stage',
    ...formatColumns(['allocated', '%', 'stage'], stages.map(([stage, n]) => [formatBytes(n), formatPercent(total > 0 ? (100 * n) / total : 0), stage]), { align: ['right', 'right', 'left'], trimEnd: true }),
  ];
}

function isTracer(file: string): boolean {
  return TRACER_DIRS.some((d) => file.startsWith(d));
}
