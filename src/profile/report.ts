import { formatColumns } from './columns.js';

/** What the report needs of a stage's counters. */
interface StageFigures {
  readonly name: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly ms: number;
  readonly bytes: number;
}

const MiB = 1024 * 1024;

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The --profile table: one row per stage (records in, out, time, share of wall time), then peak
 * heap and peak RSS. Peak RSS is the operating system's high-water mark for the whole process.
 */
export function formatProfile(stages: readonly StageFigures[], wall: number, peakHeapBytes: number, threads = 'one thread'): string {
  const header = ['stage', 'in', 'out', 'ms', '% wall', 'MB/s'];
  const rows = stages.map((s) => [
    s.name,
    formatCount(s.recordsIn),
    formatCount(s.recordsOut),
    s.ms.toFixed(1),
    wall > 0 ? ((100 * s.ms) / wall).toFixed(1) : '0.0',
    s.bytes > 0 && s.ms > 0 ? (s.bytes / MiB / (s.ms / 1000)).toFixed(0) : '',
  ]);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  return [
    ...formatColumns(header, rows),
    threads,
    `wall ${wall.toFixed(1)} ms`,
    `peak heap ${(peakHeapBytes / MiB).toFixed(1)} MB`,
    `peak RSS ${(peakRssBytes / MiB).toFixed(1)} MB`,
  ].join('\n');
}
