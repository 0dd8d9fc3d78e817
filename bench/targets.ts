/**
 * The bench's targets and how each is judged, from the measured results: ratio to mawk at
 * logsift's fastest --jobs setting, the speedup of --jobs 2 over --jobs 1, and peak RSS (capped,
 * and flat from the smallest size to the largest).
 */
import type { Job } from './jobs.js';
import {
  judgeFlatness,
  type FlatnessResult,
  type JobResult,
  type ScalingResult,
  type SizeResult,
  type TargetResult,
  type ToolResult,
} from './results.js';

/** On one thread: the constant-memory promise since the first bench. */
export const RSS_CAP_JOBS1_MIB = 100;
/** With two workers: 150 MB (decimal, as stated), in MiB since GNU time reports KiB. */
export const RSS_CAP_JOBS2_MIB = 150e6 / (1024 * 1024);
/** "Flat": the largest size's peak RSS at most 15% above the smallest's. */
export const FLAT_MAX_GROWTH = 0.15;

/** The --jobs values a job runs logsift with: 1 and the cores; 2 as well for the scaling jobs. */
export function jobsSettings(job: Job, cores: number): number[] {
  return [...new Set([1, ...(job.scaling ? [2] : []), cores])].sort((a, b) => a - b);
}

export function logsiftRuns(job: JobResult): ToolResult[] {
  return job.tools.filter((t) => t.tool === 'logsift');
}

function logsiftAt(job: JobResult | undefined, jobs: number): ToolResult | undefined {
  return job?.tools.find((t) => t.tool === 'logsift' && t.jobs === jobs);
}

export function scalingOf(job: Job, result: JobResult): ScalingResult | undefined {
  if (!job.scaling) return undefined;
  const one = logsiftAt(result, 1)?.medianS ?? NaN;
  const rows = logsiftRuns(result).map((t) => ({
    jobs: t.jobs!,
    medianS: t.medianS,
    speedup: one / t.medianS,
    peakRssMiB: t.peakRssMiB,
    threads: t.threads ?? (t.error !== undefined ? 'failed' : 'unknown'),
    sameAsJobs1: t.sameAsJobs1 ?? null,
  }));
  const speedup2 = rows.find((r) => r.jobs === 2)?.speedup ?? NaN;
  const target = job.scaling.targetSpeedup;
  return {
    job: job.id,
    query: job.query,
    rows,
    targetSpeedup: target,
    speedup2,
    pass: target === null || !Number.isFinite(speedup2) ? null : speedup2 >= target,
  };
}

function capFor(jobs: number): number | null {
  return jobs === 1 ? RSS_CAP_JOBS1_MIB : jobs === 2 ? RSS_CAP_JOBS2_MIB : null;
}

/** Peak RSS of each flat-memory job at each --jobs value, smallest size against largest. */
export function flatness(sizes: SizeResult[], jobs: Job[]): FlatnessResult[] {
  if (sizes.length < 2) return [];
  const bySize = [...sizes].sort((a, b) => a.lines - b.lines);
  const small = bySize[0]!;
  const large = bySize[bySize.length - 1]!;
  const out: FlatnessResult[] = [];
  for (const job of jobs.filter((j) => j.flatRss)) {
    const smallJob = small.jobs.find((j) => j.job === job.id);
    const largeJob = large.jobs.find((j) => j.job === job.id);
    for (const t of smallJob ? logsiftRuns(smallJob) : []) {
      const smallRssMiB = t.peakRssMiB;
      const largeRssMiB = logsiftAt(largeJob, t.jobs!)?.peakRssMiB ?? NaN;
      const capMiB = capFor(t.jobs!);
      out.push({
        job: job.id,
        jobs: t.jobs!,
        smallLabel: small.label,
        largeLabel: large.label,
        smallRssMiB,
        largeRssMiB,
        growth: largeRssMiB / smallRssMiB - 1,
        maxGrowth: FLAT_MAX_GROWTH,
        capMiB,
        pass: judgeFlatness(smallRssMiB, largeRssMiB, FLAT_MAX_GROWTH, capMiB),
      });
    }
  }
  return out;
}

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '-');
const mib = (x: number) => (Number.isFinite(x) ? `${x.toFixed(1)} MiB` : '-');

/** Every target once per size (or per size pair), in the order the brief states them. */
export function judgeTargets(sizes: SizeResult[], flat: FlatnessResult[], jobs: Job[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const size of sizes) {
    for (const j of size.jobs) {
      const best = logsiftAt(j, j.bestJobs);
      out.push({
        target: `${j.query}: time <= ${j.targetRatio}x mawk at the fastest --jobs`,
        at: size.label,
        measured: Number.isFinite(j.ratio) ? `${j.ratio.toFixed(3)}x (-j${j.bestJobs}, ${best?.medianS.toFixed(3)} s)` : 'no time',
        pass: j.pass,
      });
    }
  }
  for (const size of sizes) {
    for (const s of size.scaling.filter((x) => x.targetSpeedup !== null)) {
      out.push({
        target: `${s.query}: --jobs 2 / --jobs 1 speedup >= ${s.targetSpeedup}x`,
        at: size.label,
        measured: Number.isFinite(s.speedup2) ? `${s.speedup2.toFixed(3)}x` : 'no time',
        pass: s.pass,
      });
    }
  }
  const flatJobs = jobs.filter((j) => j.flatRss);
  if (flat.length > 0) {
    for (const f of flat.filter((x) => x.capMiB !== null)) {
      const query = flatJobs.find((j) => j.id === f.job)?.query ?? f.job;
      const cap = f.jobs === 2 ? '150 MB' : `${f.capMiB} MiB`;
      out.push({
        target: `${query}: peak RSS at --jobs ${f.jobs} <= ${cap}, flat (growth <= ${pct(f.maxGrowth)})`,
        at: `${f.smallLabel} -> ${f.largeLabel}`,
        measured: `${mib(f.smallRssMiB)} -> ${mib(f.largeRssMiB)} (${pct(f.growth)})`,
        pass: f.pass,
      });
    }
    return out;
  }
  // One size: the caps can be judged, flatness cannot.
  for (const size of sizes) {
    for (const j of size.jobs.filter((x) => flatJobs.some((f) => f.id === x.job))) {
      for (const t of logsiftRuns(j)) {
        const cap = capFor(t.jobs!);
        if (cap === null) continue;
        out.push({
          target: `${j.query}: peak RSS at --jobs ${t.jobs} <= ${t.jobs === 2 ? '150 MB' : `${cap} MiB`} (flatness needs two sizes)`,
          at: size.label,
          measured: mib(t.peakRssMiB),
          pass: Number.isFinite(t.peakRssMiB) ? t.peakRssMiB <= cap : null,
        });
      }
    }
  }
  return out;
}
