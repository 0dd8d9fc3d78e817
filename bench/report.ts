/** Plain-text tables for the benchmark results. */
import type { BenchResults, SizeResult, ToolResult } from './results.js';

const MiB = 1024 * 1024;

function rate(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

function table(header: string[], rows: string[][], leftColumns: number): string {
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
    return [job, t.tool, 'FAILED', '', '', '', '', target, result];
  }
  const ratio = Number.isFinite(mawkS) && t.tool !== 'mawk' && t.tool !== 'wc -l' ? fixed(t.medianS / mawkS, 2) : '';
  return [
    job,
    t.tool,
    fixed(t.medianS, 3),
    rate(size.lines / t.medianS),
    fixed(size.bytes / MiB / t.medianS, 0),
    fixed(t.peakRssMiB, 1),
    ratio,
    target,
    result,
  ];
}

export function formatSize(size: SizeResult, runs: number): string {
  const header = ['job', 'tool', 'median s', 'lines/s', 'MiB/s', 'RSS MiB', 'vs mawk', 'target', 'result'];
  const rows: string[][] = [toolRow('(read floor)', size.floor, size, NaN, '', '')];
  const notes: string[] = [];
  for (const job of size.jobs) {
    const mawkS = job.tools.find((t) => t.tool === 'mawk')?.medianS ?? NaN;
    for (const t of job.tools) {
      const isLogsift = t.tool === 'logsift';
      const target = isLogsift ? `<=${job.targetRatio.toFixed(1)}` : '';
      const result = !isLogsift ? '' : job.pass === null ? '?' : job.pass ? 'PASS' : 'MISS';
      rows.push(toolRow(job.job, t, size, mawkS, target, result));
      if (t.error !== undefined) notes.push(`${job.job} / ${t.tool}: ${t.error}`);
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

export function formatFlatness(results: BenchResults): string {
  if (results.flatness.length === 0) return '';
  const f0 = results.flatness[0]!;
  const header = ['job', `RSS ${f0.smallLabel}`, `RSS ${f0.largeLabel}`, 'target', 'result'];
  const rows = results.flatness.map((f) => [
    f.job,
    fixed(f.smallRssMiB, 1),
    fixed(f.largeRssMiB, 1),
    `<=${f.capMiB} MiB, flat`,
    f.pass === null ? '?' : f.pass ? 'PASS' : 'MISS',
  ]);
  return ['== logsift peak RSS from the smallest to the largest size (constant memory) ==', table(header, rows, 1)].join(
    '\n',
  );
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
    for (const t of job.tools) lines.push(`  ${t.tool.padEnd(7)} ${t.command}`);
  }
  return lines.join('\n');
}
