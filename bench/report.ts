/** Plain-text tables for the benchmark results: one per size, and the commands compared. */
import { toolLabel, type BenchResults, type JobResult, type SizeResult, type ToolResult } from './results.js';

const MiB = 1024 * 1024;

function rate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

export function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function table(header: string[], rows: string[][], leftColumns: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function toolRow(job: string, t: ToolResult, size: SizeResult, mawkS: number, target: string, result: string): string[] {
  if (t.error !== undefined && t.runs.length === 0) {
    return [job, toolLabel(t), 'FAILED', '', '', '', '', target, result];
  }
  const ratio = Number.isFinite(mawkS) && t.tool !== 'mawk' && t.tool !== 'wc -l' ? fixed(t.medianS / mawkS, 2) : '';
  return [
    job,
    toolLabel(t),
    fixed(t.medianS, 3),
    rate(size.lines / t.medianS),
    fixed(size.bytes / MiB / t.medianS, 0),
    fixed(t.peakRssMiB, 1),
    ratio,
    target,
    result,
  ];
}

/** The ratio target is judged on logsift's fastest --jobs setting; the other settings are shown. */
function judged(job: JobResult, t: ToolResult): [string, string] {
  if (t.tool !== 'logsift' || !Number.isFinite(t.medianS)) return ['', ''];
  if (t.jobs !== job.bestJobs) return ['', '(slower)'];
  return [`<=${job.targetRatio.toFixed(1)}`, job.pass === null ? '?' : job.pass ? 'PASS' : 'MISS'];
}

export function formatSize(size: SizeResult, runs: number): string {
  const header = ['job', 'tool', 'median s', 'lines/s', 'MiB/s', 'RSS MiB', 'vs mawk', 'target', 'result'];
  const rows: string[][] = [toolRow('(read floor)', size.floor, size, NaN, '', '')];
  const notes: string[] = [];
  for (const job of size.jobs) {
    const mawkS = job.tools.find((t) => t.tool === 'mawk')?.medianS ?? NaN;
    for (const t of job.tools) {
      const [target, result] = judged(job, t);
      rows.push(toolRow(job.job, t, size, mawkS, target, result));
      if (t.error !== undefined) notes.push(`${job.job} / ${toolLabel(t)}: ${t.error}`);
    }
  }
  const checks = size.jobs.flatMap((j) =>
    j.checks.map((c) => `  ${c.ok === false ? '!!! MISMATCH' : c.ok === null ? 'info' : 'ok  '}  ${c.text}`),
  );
  return [
    `== ${size.label}: ${size.lines.toLocaleString('en-US')} lines, ${(size.bytes / MiB).toFixed(1)} MiB (${size.file}); ` +
      `median of ${runs} run(s), RSS = largest peak over the runs ==`,
    table(header, rows, 2),
    ...(notes.length ? ['', 'failures:', ...notes.map((n) => `  ${n}`)] : []),
    '',
    'answers:',
    ...checks,
  ].join('\n');
}

export function formatMachine(machine: Record<string, string>): string {
  return Object.entries(machine)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** The exact command lines compared, from the first size (the file name differs per size only). */
export function formatCommands(results: BenchResults): string {
  const first = results.sizes[0];
  if (!first) return '';
  const lines = ['== commands (first size) ==', `  ${first.floor.command}`];
  for (const job of first.jobs) {
    lines.push(`${job.job}:`);
    for (const t of job.tools) lines.push(`  ${toolLabel(t).padEnd(11)} ${t.command}`);
  }
  return lines.join('\n');
}
