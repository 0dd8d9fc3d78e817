/** Plain-text tables for logsift's scaling over --jobs, its memory over sizes, and the targets. */
import { fixed, table } from './report.js';
import type { BenchResults, SizeResult, TargetResult } from './results.js';
import { FLAT_MAX_GROWTH } from './targets.js';

const verdict = (pass: boolean | null) => (pass === null ? '?' : pass ? 'PASS' : 'MISS');

export function formatScaling(size: SizeResult): string {
  if (size.scaling.length === 0) return '';
  const header = ['job', '--jobs', 'median s', 'speedup', 'RSS MiB', 'ran on', 'answer vs -j1', 'target', 'result'];
  const rows: string[][] = [];
  for (const s of size.scaling) {
    for (const r of s.rows) {
      const judged = r.jobs === 2 && s.targetSpeedup !== null;
      rows.push([
        s.job,
        String(r.jobs),
        fixed(r.medianS, 3),
        r.jobs === 1 ? '1.00x' : Number.isFinite(r.speedup) ? `${r.speedup.toFixed(2)}x` : '-',
        fixed(r.peakRssMiB, 1),
        r.threads,
        r.jobs === 1 ? '(base)' : r.sameAsJobs1 === null ? '?' : r.sameAsJobs1 ? 'identical' : '!!! DIFFERS',
        judged ? `>=${s.targetSpeedup}x` : '',
        judged ? verdict(s.pass) : '',
      ]);
    }
  }
  return [
    `== ${size.label}: logsift scaling over --jobs (speedup = --jobs 1 median / this median; answers compared byte for byte) ==`,
    table(header, rows, 2),
  ].join('\n');
}

export function formatFlatness(results: BenchResults): string {
  if (results.flatness.length === 0) return '';
  const f0 = results.flatness[0]!;
  const header = ['job', '--jobs', `RSS ${f0.smallLabel}`, `RSS ${f0.largeLabel}`, 'growth', 'target', 'result'];
  const rows = results.flatness.map((f) => [
    f.job,
    String(f.jobs),
    fixed(f.smallRssMiB, 1),
    fixed(f.largeRssMiB, 1),
    Number.isFinite(f.growth) ? `${f.growth >= 0 ? '+' : ''}${(f.growth * 100).toFixed(1)}%` : '-',
    `${f.capMiB === null ? '' : `<=${f.capMiB.toFixed(1)} MiB, `}<=+${(f.maxGrowth * 100).toFixed(0)}%`,
    verdict(f.pass),
  ]);
  return [
    `== logsift peak RSS (MiB) from the smallest to the largest size: flat = growth <= ${(FLAT_MAX_GROWTH * 100).toFixed(0)}%; ` +
      `cap 100 MiB at --jobs 1, 150 MB (143.1 MiB) at --jobs 2 ==`,
    table(header, rows, 1),
  ].join('\n');
}

export function formatTargets(targets: readonly TargetResult[]): string {
  if (targets.length === 0) return '';
  const header = ['target', 'at', 'measured', 'result'];
  const rows = targets.map((t) => [t.target, t.at, t.measured, verdict(t.pass)]);
  const missed = targets.filter((t) => t.pass === false).length;
  const unknown = targets.filter((t) => t.pass === null).length;
  return [
    '== targets (medians; a noisy machine moves them, so rerun before trusting a near miss) ==',
    table(header, rows, 2),
    `${targets.length - missed - unknown} PASS, ${missed} MISS${unknown ? `, ${unknown} not measured` : ''}`,
  ].join('\n');
}
