import type { Row } from '../core/row.js';
import { makeRowComparator, type SortKey } from './compare.js';
import type { RowSink } from './row-sink.js';
import { TopN } from './top-n.js';

/** Rows a sort without a following head buffers before it gives up on completeness. */
export const DEFAULT_SORT_LIMIT = 1_000_000;

export interface SortOptions {
  /**
   * The count of a `head N` that follows: only the first N rows are kept (a bounded heap) and
   * at most N rows are emitted. Without it, the sort buffers every row up to `maxRows`.
   */
  limit?: number;
  /** Rows buffered without `limit` (default 1,000,000, the CLI's --sort-limit). */
  maxRows?: number;
  /** Called once if more than `maxRows` rows arrive. Defaults to a line on stderr. */
  onWarning?: (message: string) => void;
}

/**
 * `sort k1 [desc], k2 ...`: a stable sort by the keys, in the total order of compareValues
 * (null < booleans < numbers < Instants < strings; `desc` reverses it).
 *
 * With `limit`, a TopN heap keeps N rows: O(n log N) time, N rows of memory. Without it, rows are
 * buffered up to `maxRows`; past that the sort stops buffering, warns once that the result is
 * incomplete, returns false (so the producer may stop reading), and at the end sorts and emits
 * what it holds.
 */
export function sortRows(keys: readonly SortKey[], next: RowSink, options: SortOptions = {}): RowSink {
  const compare = makeRowComparator(keys);
  const emit = (rows: readonly Row[]): void => {
    for (const r of rows) if (next.row(r) === false) break;
    next.end();
  };

  if (options.limit !== undefined) {
    const top = new TopN(options.limit, compare);
    return {
      row(r: Row): boolean {
        top.push(r);
        return options.limit !== 0;
      },
      end: () => emit(top.drain()),
    };
  }

  const maxRows = options.maxRows ?? DEFAULT_SORT_LIMIT;
  const warn = options.onWarning ?? ((message: string) => void process.stderr.write(`${message}\n`));
  let buffer: Row[] = [];
  let overflowed = false;
  return {
    row(r: Row): boolean {
      if (buffer.length < maxRows) {
        buffer.push(r);
        return true;
      }
      if (!overflowed) {
        overflowed = true;
        warn(`sort: more than ${maxRows} rows; result is incomplete, add head or raise --sort-limit`);
      }
      return false;
    },
    end(): void {
      const rows = buffer;
      buffer = [];
      rows.sort(compare); // Array.prototype.sort is stable: ties keep arrival order
      emit(rows);
    },
  };
}
