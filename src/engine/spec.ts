import type { ByteSink } from '../output/sink.js';

export type OutputKind = 'auto' | 'table' | 'json' | 'ndjson' | 'csv';

/** The bounds that keep a run's memory flat (see the CLI's --distinct-limit and friends). */
export interface QueryLimits {
  /** Distinct values count_distinct (and top) keep exactly before a sketch takes over. */
  readonly distinct: number;
  /** Values a percentile keeps exactly before a sketch takes over. */
  readonly percentile: number;
  /** Rows a sort without a following head may buffer. */
  readonly sort: number;
  /** Groups an aggregation keeps. */
  readonly groups: number;
}

/**
 * What a pass needs to run the record phase of a query anywhere: on this thread, on a worker
 * thread, later on another machine. Plain data, so it crosses a thread boundary as it is; every
 * party plans the query from it the same way.
 */
export interface PassSpec {
  readonly query: string;
  /** A forced format (name or format string); undefined = detect per source. */
  readonly format?: string | undefined;
  readonly output: OutputKind;
  readonly strict: boolean;
  readonly maxLineLength: number;
  readonly limits: QueryLimits;
  /** Epoch ms the run counts `now()` from (fixed once, so every thread agrees); default: when the pass starts. */
  readonly now?: number | undefined;
  /** `--since`: only records at or after this time (an absolute time text; see time-window.ts). */
  readonly since?: string | undefined;
  /** `--until`: only records before this time. */
  readonly until?: string | undefined;
}

/** One query run: the pass spec, the inputs, and where results and messages go. */
export interface QueryRunSpec extends PassSpec {
  readonly inputs: readonly string[];
  readonly profile: boolean;
  /** Worker threads (default 1: this thread only). Small inputs stay on this thread anyway. */
  readonly jobs?: number;
  /** A file to write every malformed line to, in input order (`--malformed FILE`). */
  readonly malformedPath?: string;
  /** Where results go (default: standard output, file descriptor 1). */
  readonly out?: ByteSink;
  /** One message line for stderr (default: written to process.stderr). */
  readonly errorLine?: (line: string) => void;
  /** Told the total input size once inputs are found (null when unknown), then bytes as read. */
  readonly onStart?: (totalBytes: number | null) => void;
  readonly onBytesRead?: (bytes: number) => void;
  /** Told when reading is over, before the final output and the summary (a progress bar clears itself). */
  readonly onDone?: () => void;
  /** The module worker threads run (default: this build's engine/worker.js). The CLI bundle passes itself. */
  readonly workerUrl?: URL;
}
