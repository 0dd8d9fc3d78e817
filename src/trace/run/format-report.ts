import { formatColumns } from '../../profile/columns.js';
import { describeFrame, displayFile } from '../frames.js';
import type { HeapSummary } from '../heap-snapshot/summary.js';
import { formatBytes, formatBytesDiff, formatCount, formatMs, formatPercent } from '../units.js';
import type { CaptureInfo, SiteRow, TraceReport } from './report.js';
import type { SiteDiff } from './compare-files.js';

/** An argument as a shell would need it typed, so the command line shown can be pasted. */
export function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `file:line function via X` of a site. */
export function siteText(s: { function: string; file: string; line: number; via?: string }, cwd = process.cwd()): string {
  return `${describeFrame(s, cwd)}${s.via !== undefined ? ` via ${s.via}` : ''}`;
}

function siteTable(rows: readonly SiteRow[], top: number): string[] {
  if (rows.length === 0) return ['  (no site of the program\'s own code holds sampled memory)'];
  return formatColumns(
    ['size', 'count', '%', 'site'],
    rows.slice(0, top).map((r) => [formatBytes(r.size), formatCount(r.count), formatPercent(r.percent), siteText(r)]),
    { align: ['right', 'right', 'right', 'left'], trimEnd: true },
  ).map((l) => `  ${l}`);
}

function captureText(c: CaptureInfo | undefined): string {
  if (!c) return '';
  return ` (${formatMs(c.atMs)} after start: ${formatBytes(c.heapUsed)} live heap, ${formatBytes(c.external)} external)`;
}

function endText(r: TraceReport): string {
  if (r.signal) return `ended by ${r.signal} (exit code ${r.exitCode})`;
  return `exit code ${r.exitCode}`;
}

/** The report for people, on stderr or in --report FILE. */
export function formatReport(r: TraceReport, top: number): string {
  const out: string[] = [];
  const pid = r.covers.pid !== undefined ? ` (pid ${r.covers.pid}, main thread)` : '';
  out.push(`logsift trace: ${r.command.map(shellWord).join(' ')}: ${endText(r)} after ${formatMs(r.wallMs)}${pid}`);
  for (const n of r.covers.notes) out.push(`  note: ${n}`);
  if (r.covers.until === 'untraced') return out.join('\n') + '\n';

  const m = r.memory;
  out.push('');
  const exit = m.exit;
  out.push(
    ...formatColumns(
      ['memory', 'peak', 'at exit'],
      [
        ['live heap', formatBytes(m.peak.heapUsed), exit ? formatBytes(exit.heapUsed) : '?'],
        ['external', formatBytes(m.peak.external), exit ? formatBytes(exit.external) : '?'],
        ['array buffers', formatBytes(m.peak.arrayBuffers), exit ? formatBytes(exit.arrayBuffers) : '?'],
        ['RSS', formatBytes(m.peak.rss), exit ? formatBytes(exit.rss) : '?'],
      ],
    ),
  );
  out.push(`(live heap: heap in use after a garbage collection; heap sampled every ${formatBytes(m.interval)} on average${m.precise ? '; --precise: allocation folding was off, for accurate live bytes, and the program ran slower for it' : ''})`);
  out.push('');
  out.push(`top ${top} sites live at the peak${captureText(m.peakCapture)}`);
  if (m.peakCapture && m.peak.heapUsed > m.peakCapture.heapUsed * 1.15) {
    out.push(`  (the live heap went up to ${formatBytes(m.peak.heapUsed)} between captures; this is the largest one taken)`);
  }
  out.push(...siteTable(m.atPeak, top));
  if (m.exitCapture) {
    out.push('');
    out.push(`top ${top} sites live at exit${captureText(m.exitCapture)}`);
    out.push(...siteTable(m.atExit, top));
  }
  if (m.snapshot) out.push('', ...snapshotText(m.snapshot));
  if (r.cpu) out.push('', ...cpuText(r.cpu, top));
  return out.join('\n') + '\n';
}

function snapshotText(s: HeapSummary | { refused: string }): string[] {
  if ('refused' in s) return [`heap snapshot: ${s.refused}`];
  return [
    `heap snapshot at the peak (${formatBytes(s.takenAtHeap)} live heap, ${formatCount(s.objects)} objects, ${formatBytes(s.totalSize)}), by constructor`,
    ...formatColumns(
      ['self size', 'count', 'constructor', 'largest one held by'],
      s.groups.map((g) => [formatBytes(g.selfSize), formatCount(g.count), g.name, g.retainers]),
      { align: ['right', 'right', 'left', 'left'], trimEnd: true },
    ).map((l) => `  ${l}`),
  ];
}

function cpuText(cpu: NonNullable<TraceReport['cpu']>, top: number): string[] {
  const out = [`cpu: ${formatCount(cpu.samples)} samples over ${formatMs(cpu.durationMs)}${cpu.timelineFolded ? ' (timeline folded past 2,000,000 samples)' : ''}`];
  if (cpu.tracer.ms > 0) out.push(`(logsift trace's own code took ${formatMs(cpu.tracer.ms)}, ${formatPercent(cpu.tracer.percent)}: left out below)`);
  const fnRows = (rows: typeof cpu.functions) =>
    formatColumns(
      ['self', 'self %', 'total', 'total %', 'function'],
      rows.map((f) => [formatMs(f.selfMs), formatPercent(f.selfPercent), formatMs(f.totalMs), formatPercent(f.totalPercent), describeFrame(f)]),
      { align: ['right', 'right', 'right', 'right', 'left'], trimEnd: true },
    ).map((l) => `  ${l}`);
  out.push(`top ${top} functions by self time`, ...fnRows(cpu.functions.slice(0, top)));
  // Node's own scaffolding (module loading, the event loop) holds every stack: leave it out here.
  const cumulative = [...cpu.functions]
    .filter((f) => f.file !== '' && !f.file.startsWith('node:internal'))
    .sort((a, b) => b.totalMs - a.totalMs)
    .slice(0, top);
  out.push(`top ${top} functions by cumulative time`, ...fnRows(cumulative));
  out.push(
    `hottest lines`,
    ...formatColumns(
      ['time', '%', 'line', 'source'],
      cpu.lines.slice(0, top).map((l) => [formatMs(l.ms), formatPercent(l.percent), `${displayFile(l.file)}:${l.line}`, l.text]),
      { align: ['right', 'right', 'left', 'left'], trimEnd: true },
    ).map((l) => `  ${l}`),
  );
  return out;
}

/** The differences `logsift trace compare` prints. */
export function formatDiffs(diffs: readonly SiteDiff[], top: number, title: string): string {
  const rows = diffs.slice(0, top).map((d) => [formatBytesDiff(d.sizeDiff), formatBytes(d.size), d.countDiff > 0 ? `+${formatCount(d.countDiff)}` : formatCount(d.countDiff), formatCount(d.count), siteText(d)]);
  const table = rows.length === 0 ? ['  (no differences)'] : formatColumns(['size diff', 'size', 'count diff', 'count', 'site'], rows, { align: ['right', 'right', 'right', 'right', 'left'], trimEnd: true }).map((l) => `  ${l}`);
  return [title, ...table].join('\n') + '\n';
}
