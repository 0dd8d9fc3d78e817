import type { Row } from '../core/row.js';

/**
 * Where rows go: the next operator or an output writer. Operators are sinks that wrap the next
 * sink, so a chain like `sort | head 5 | fields a, b` is built back to front and fed one row at a
 * time, from an aggregation's result or straight from the record stream.
 *
 * Output writers have the same shape, so a writer can end a chain directly.
 */
export interface RowSink {
  /**
   * Takes one row. Returns false when the sink wants no more rows (head reached its count), so
   * the producer can stop reading input early; void or true means "keep going". Rows pushed
   * after false are ignored.
   */
  row(r: Row): boolean | void;
  /** No more rows: flush whatever is held and end the next sink. Call exactly once. */
  end(): void;
}
