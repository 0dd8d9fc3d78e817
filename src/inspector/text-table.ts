import { formatColumns } from '../profile/columns.js';
import { formatBytes, formatBytesDiff, formatCount, formatMs, formatPercent } from '../trace/units.js';
import type { CompareAnswer, DeleteAnswer, MemoryReport, SnapshotAnswer, TrendAnswer } from './answers.js';
import { GC_KINDS } from './gc-sampler.js';
import { sparkline } from './sparkline.js';
import { lastLiveAfterGc } from './trend-fit.js';

/** The answers as text tables (`Accept: text/plain`, and the `logsift inspect` client). */

function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  return formatColumns(header, rows, { align: right.map((r) => (r ? 'right' : 'left')), trimEnd: true }).join('\n') + '\n';
}

export function memoryText(m: MemoryReport): string {
  const rows: [string, string][] = [
    ['heap used', formatBytes(m.heapUsed)],
    ['heap total', formatBytes(m.heapTotal)],
    ['external', formatBytes(m.external)],
    ['array buffers', formatBytes(m.arrayBuffers)],
    ['rss', formatBytes(m.rss)],
    ['peak heap after GC', formatBytes(m.peak.heapAfterGc)],
    ['peak rss', formatBytes(m.peak.rss)],
  ];
  const gcRows = [...GC_KINDS, 'total' as const].map((k) => [k, formatCount(m.gc[k].count), formatMs(m.gc[k].pauseSeconds * 1000)]);
  const notes = [
    `event loop busy: ${formatPercent(m.eventLoopUtilization.sinceLastRead * 100)} since the last read, ${formatPercent(m.eventLoopUtilization.sinceStart * 100)} since the inspector started`,
    ...(m.snapshots !== undefined ? [`snapshots: ${m.snapshots.length ? m.snapshots.join(', ') : 'none'}`] : []),
    ...(m.running ? [`running: ${m.running}`] : []),
  ];
  return table(['memory', ''], rows, [false, true]) + '\n' + table(['gc', 'count', 'pause'], gcRows, [false, true, true]) + '\n' + notes.join('\n') + '\n';
}

export function snapshotText(s: SnapshotAnswer): string {
  const dropped = s.dropped.length > 0 ? ` (dropped ${s.dropped.join(', ')} to stay within ${s.limit})` : '';
  return `snapshot ${s.key} taken at ${s.takenAt}: heap used ${formatBytes(s.memory.heapUsed)}, external ${formatBytes(s.memory.external)}, rss ${formatBytes(s.memory.rss)}; ${s.stored} of ${s.limit} stored${dropped}\n`;
}

export function deleteText(d: DeleteAnswer): string {
  return `deleted snapshot ${d.key}; ${d.stored} stored\n`;
}

export function compareText(c: CompareAnswer): string {
  const head = `since snapshot ${c.key} (${c.since}): heap used ${formatBytesDiff(c.heapUsedDiff)}, external ${formatBytesDiff(c.externalDiff)}, array buffers ${formatBytesDiff(c.arrayBuffersDiff)}, rss ${formatBytesDiff(c.rssDiff)}\n`;
  if (c.diffs.length === 0) return head + 'no site grew or shrank\n';
  const rows = c.diffs.map((d) => [formatBytesDiff(d.sizeDiff), formatBytes(d.size), (d.countDiff > 0 ? '+' : '') + formatCount(d.countDiff), d.function || '(anonymous)', `${d.file}:${d.line}`]);
  return head + '\n' + table(['size diff', 'size', 'count diff', 'function', 'where'], rows, [true, true, true, false, false]);
}

export function trendText(t: TrendAnswer): string {
  const heap = t.history.map((s) => s.liveAfterGc);
  const rss = t.history.map((s) => s.rss);
  const last = lastLiveAfterGc(t.history);
  const lastRss = t.history[t.history.length - 1]?.rss;
  const slope = t.slopeBytesPerHour === null ? 'n/a' : `${formatBytesDiff(t.slopeBytesPerHour)}/hour`;
  const ci = t.slopeCi95 === null ? '' : ` (95%: ${formatBytesDiff(t.slopeCi95[0])} to ${formatBytesDiff(t.slopeCi95[1])})`;
  return [
    `after GC ${sparkline(heap)} ${last !== null ? formatBytes(last) : ''}`.trimEnd(),
    `rss      ${sparkline(rss)} ${lastRss !== undefined ? formatBytes(lastRss) : ''}`.trimEnd(),
    `trend: ${t.verdict}, ${slope}${ci}; ${t.samples} samples over ${Math.round(t.spanSeconds)} s, one every ${t.intervalSeconds} s`,
    `       ${t.reason}`,
  ].join('\n') + '\n';
}
