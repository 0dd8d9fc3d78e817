import type { MemoryTotals } from '../agent/results.js';
import type { HeapSummary } from '../heap-snapshot/summary.js';

/**
 * The JSON report of `logsift trace --json FILE`, for other tools. Its keys are a contract
 * (README, "logsift trace"): `exitCode`, `memory.peak.{heapUsed,external,arrayBuffers,rss}`,
 * `memory.atPeak[]` and `memory.atExit[]` of `{function, file, line, size, count}` sorted by size,
 * `cpu.functions[]` of `{function, file, line, selfMs, totalMs, selfPercent, totalPercent}`,
 * `cpu.lines[]` of `{file, line, ms, percent, text}`. Other keys add detail.
 */
export const REPORT_FORMAT = 'logsift-trace-report';
export const REPORT_VERSION = 1;

export interface SiteRow {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly via?: string;
  readonly size: number;
  readonly count: number;
  /** Share of everything the samplers saw live in that capture. */
  readonly percent: number;
  /** Of size, bytes outside V8's heap (Buffer contents). */
  readonly offHeap: number;
}

export interface CpuFunctionRow {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly selfMs: number;
  readonly totalMs: number;
  readonly selfPercent: number;
  readonly totalPercent: number;
}

export interface CpuLineRow {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly ms: number;
  readonly percent: number;
  readonly text: string;
}

export interface Coverage {
  readonly pid?: number;
  /** How far the trace goes: to the program's exit, to a signal it handled, or only to the last capture before it was killed. */
  readonly until: 'exit' | 'signal' | 'killed' | 'untraced';
  readonly workerThreads: number;
  readonly childProcesses: number;
  /** Sentences for people about what the report covers and what it does not. */
  readonly notes: readonly string[];
}

export interface CaptureInfo {
  /** Milliseconds after the program started. */
  readonly atMs: number;
  /** Live heap (after the collection) and external memory at that moment. */
  readonly heapUsed: number;
  readonly external: number;
  /** Everything the samplers saw live, in bytes (the 100% of `percent`). */
  readonly sampled: number;
}

export interface TraceReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly command: readonly string[];
  readonly exitCode: number;
  readonly signal?: string;
  readonly wallMs: number;
  readonly covers: Coverage;
  readonly memory: {
    readonly interval: number;
    readonly precise: boolean;
    /** High-water marks: heapUsed of the live heap after collections, rss the system's. */
    readonly peak: MemoryTotals;
    readonly exit?: MemoryTotals;
    readonly peakCapture?: CaptureInfo;
    readonly exitCapture?: CaptureInfo;
    readonly atPeak: readonly SiteRow[];
    readonly atExit: readonly SiteRow[];
    readonly snapshot?: HeapSummary | { readonly refused: string };
  };
  readonly cpu?: {
    readonly durationMs: number;
    readonly samples: number;
    readonly functions: readonly CpuFunctionRow[];
    readonly lines: readonly CpuLineRow[];
    /** The tracer's own code in the program (its Buffer wrappers, probes, GC watch): left out of functions and lines. */
    readonly tracer: { readonly ms: number; readonly percent: number };
    readonly timelineFolded?: boolean;
  };
}
