import type { Row } from '../../src/core/row.js';
import type { RowSink } from '../../src/operators/row-sink.js';

/** A RowSink that keeps what it is given, for tests of row operators. */
export function collector(): RowSink & { rows: Row[]; ended: number } {
  const sink = {
    rows: [] as Row[],
    ended: 0,
    row(r: Row) {
      sink.rows.push(r);
    },
    end() {
      sink.ended++;
    },
  };
  return sink;
}
