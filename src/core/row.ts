import type { Value } from './value.js';

/**
 * After the record phase (filters over batches), queries work on rows: positional value arrays
 * that share one column list. Aggregation emits rows; sort, head, fields and the output writers
 * consume them.
 */
export type Row = Value[];

export interface RowSchema {
  /** Column names in output order, e.g. ["status", "count", "sum(bytes)"]. */
  readonly columns: readonly string[];
  /**
   * Columns whose figures are estimates (a sketch took over from exact counting), with how far
   * off they may be, e.g. { "count_distinct(host)": "±0.81%", count: "over by at most 12" }.
   * Empty when all are exact.
   */
  readonly estimates?: Readonly<Record<string, string>>;
}
