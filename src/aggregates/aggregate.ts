import type { Value } from '../core/value.js';

/**
 * One aggregate function (count, sum, p99...) as a set of pure operations on a state, so the
 * same query can run over split input (worker threads, files, machines) and merge the parts.
 *
 * Callers must always keep the returned state: `s = agg.add(s, v)`. Some states are plain
 * numbers (count) and are replaced, others are objects and are mutated in place and returned.
 */
export interface Aggregate<S> {
  /** Column name in the result, e.g. "sum(bytes)". */
  readonly name: string;
  init(): S;
  /** Adds one record's value. Must not allocate per call for numbers. */
  add(state: S, value: Value): S;
  /** Fast path when the engine already holds a number; NaN means the field is absent. */
  addNumber?(state: S, x: number): S;
  /** Combines two states of the same aggregate. May mutate and return `a`; never mutates `b`. */
  merge(a: S, b: S): S;
  result(state: S): Value;
  /**
   * The state as JSON-compatible data (it survives JSON and structured clone), to ship a partial
   * result to another thread or machine. Exact states encode exactly. Never shares mutable parts
   * with the state. The format is versioned by the envelope that carries it (see CODEC_VERSION).
   */
  encode(state: S): unknown;
  /** The state `encode` wrote; throws a RangeError when `data` has the wrong shape. */
  decode(data: unknown): S;
  /** True once a sketch took over from exact counting for this state. */
  isEstimate?(state: S): boolean;
  /** The sketch's stated relative error (for count_distinct a standard error), when it has one. */
  readonly relativeError?: number;
}


export interface AggregateOptions {
  /** Column name, e.g. "p99(bytes)". */
  name: string;
  /** For percentile: the quantile in [0, 1], e.g. 0.99 for p99. */
  quantile?: number;
  /** For count_distinct and percentile: how many values are kept exactly before a sketch takes over. */
  exactLimit?: number;
}

/** How an estimate's stated relative error is shown: `±0.81%`, `±1%` (empty when unknown). */
export function relativeErrorNote(relativeError: number | undefined): string {
  return relativeError !== undefined && Number.isFinite(relativeError) ? `±${+(relativeError * 100).toPrecision(2)}%` : '';
}

/** How many distinct values (count_distinct) or values (percentile) are kept exactly, per group. */
export const DEFAULT_EXACT_LIMIT = 100_000;
