/** The benchmark's results, as the runner collects them and as `--json` prints them. */
import type { JobId } from './jobs.js';

export type ToolName = 'logsift' | 'mawk' | 'naive' | 'grep' | 'wc -l';

export interface RunSample {
  wallS: number;
  peakRssKiB: number;
}

export interface ToolResult {
  tool: ToolName;
  /** logsift only: the --jobs value of every run (always passed, so LOGSIFT_JOBS does not matter). */
  jobs?: number;
  command: string;
  runs: RunSample[];
  /** Median wall time over the successful runs (NaN when none succeeded). */
  medianS: number;
  /** Largest peak RSS over the runs, in MiB. */
  peakRssMiB: number;
  /** logsift only: what its --profile said it ran on ("one thread", "2 worker threads, 8 parts"). */
  threads?: string;
  /**
   * logsift only: whether its stdout was byte-identical to --jobs 1's in every run (aggregates) or
   * in line count and SHA-256 (line output); null when either side gave no answer.
   */
  sameAsJobs1?: boolean | null;
  /** Set when a run failed (non-zero exit); later runs of that tool are skipped. */
  error?: string;
}

/** "logsift -j2", "mawk": the name a row of the report shows. */
export function toolLabel(t: Pick<ToolResult, 'tool' | 'jobs'>): string {
  return t.jobs === undefined ? t.tool : `${t.tool} -j${t.jobs}`;
}

export interface CheckResult {
  /** true: agree; false: MISMATCH; null: information only (an estimate within its error). */
  ok: boolean | null;
  text: string;
}

export interface JobResult {
  job: JobId;
  query: string;
  tools: ToolResult[];
  targetRatio: number;
  /** The --jobs value with logsift's fastest median: the one the ratio target judges. */
  bestJobs: number;
  /** logsift's fastest median / mawk median. */
  ratio: number;
  pass: boolean | null;
  checks: CheckResult[];
}

export interface ScalingRow {
  jobs: number;
  medianS: number;
  /** --jobs 1 median / this median. */
  speedup: number;
  peakRssMiB: number;
  threads: string;
  sameAsJobs1: boolean | null;
}

export interface ScalingResult {
  job: JobId;
  query: string;
  rows: ScalingRow[];
  /** Least --jobs 2 / --jobs 1 speedup; null: shown, not judged. */
  targetSpeedup: number | null;
  /** --jobs 2 / --jobs 1 (NaN when either failed). */
  speedup2: number;
  pass: boolean | null;
}

export interface SizeResult {
  label: string;
  lines: number;
  bytes: number;
  file: string;
  /** `wc -l`: the I/O floor on this file. */
  floor: ToolResult;
  jobs: JobResult[];
  scaling: ScalingResult[];
}

export interface FlatnessResult {
  job: JobId;
  /** The logsift --jobs value compared. */
  jobs: number;
  smallLabel: string;
  largeLabel: string;
  smallRssMiB: number;
  largeRssMiB: number;
  /** largeRssMiB / smallRssMiB - 1. */
  growth: number;
  /** The most growth still called flat. */
  maxGrowth: number;
  /** Peak RSS allowed at every size, in MiB; null: no cap for this --jobs value. */
  capMiB: number | null;
  pass: boolean | null;
}

/** One stated target, judged: the report's summary, so no miss hides in a long table. */
export interface TargetResult {
  target: string;
  /** The size (or "1m -> 10m") it was measured at. */
  at: string;
  measured: string;
  pass: boolean | null;
}

export interface BenchResults {
  machine: Record<string, string>;
  runs: number;
  /** The --jobs values logsift ran with: 1, the cores, and 2 for the scaling jobs. */
  cores: number;
  sizes: SizeResult[];
  flatness: FlatnessResult[];
  targets: TargetResult[];
  /** Answer mismatches (against mawk, or across --jobs): any makes the bench exit 1. */
  mismatches: number;
  /** The printed text of each section that ran besides the query jobs (trace, fan-out, ...), by name. */
  sections: Record<string, string>;
}

/** Flat: grown by at most maxGrowth from the small size to the large, and under the cap at both. */
export function judgeFlatness(small: number, large: number, maxGrowth: number, capMiB: number | null): boolean | null {
  if (!Number.isFinite(small) || !Number.isFinite(large)) return null;
  return large <= small * (1 + maxGrowth) && (capMiB === null || Math.max(small, large) <= capMiB);
}
