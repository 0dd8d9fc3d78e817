/** The benchmark's results, as the runner collects them and as `--json` prints them. */
import type { JobId } from './jobs.js';

export type ToolName = 'logsift' | 'mawk' | 'naive' | 'grep' | 'wc -l';

export interface RunSample {
  wallS: number;
  peakRssKiB: number;
}

export interface ToolResult {
  tool: ToolName;
  command: string;
  runs: RunSample[];
  /** Median wall time over the successful runs (NaN when none succeeded). */
  medianS: number;
  /** Largest peak RSS over the runs, in MiB. */
  peakRssMiB: number;
  /** Set when a run failed (non-zero exit); later runs of that tool are skipped. */
  error?: string;
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
  /** logsift median / mawk median. */
  ratio: number;
  pass: boolean | null;
  checks: CheckResult[];
}

export interface SizeResult {
  label: string;
  lines: number;
  bytes: number;
  file: string;
  /** `wc -l`: the I/O floor on this file. */
  floor: ToolResult;
  jobs: JobResult[];
}

export interface FlatnessResult {
  job: JobId;
  smallLabel: string;
  largeLabel: string;
  smallRssMiB: number;
  largeRssMiB: number;
  capMiB: number;
  pass: boolean | null;
}

export interface BenchResults {
  machine: Record<string, string>;
  runs: number;
  sizes: SizeResult[];
  flatness: FlatnessResult[];
}

/** Flat: under the cap at the large size and grown by no more than 20% (or 8 MiB) from the small. */
export function judgeFlatness(small: number, large: number, capMiB: number): boolean | null {
  if (!Number.isFinite(small) || !Number.isFinite(large)) return null;
  return large <= capMiB && large <= Math.max(small * 1.2, small + 8);
}
