import { EXIT_INPUT, UserError } from '../core/errors.js';
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
}

/** More rows arrived than a sort may buffer: no order of what it holds would be the true one. */
export class SortLimitError extends UserError {
  constructor(maxRows: number) {
    super(`sort: more than ${maxRows.toLocaleString('en-US')} rows to sort; add '| head N' or raise --sort-limit`, EXIT_INPUT);
    this.name = 'SortLimitError';
  }
}

/**
 * `sort k1 [desc], k2 ...`: a stable sort by the keys, in the total order of compareValues
 * (null < booleans < numbers < Instants < strings; `desc` reverses it).
 *
 * With `limit`, a TopN heap keeps N rows: O(n log N) time, N rows of memory. Without it, rows are
 * buffered up to `maxRows`; one more throws SortLimitError: the first rows of the input sorted
 * would be a wrong answer, so none is given.
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
  let buffer: Row[] = [];
  return {
    row(r: Row): boolean {
      if (buffer.length >= maxRows) throw new SortLimitError(maxRows);
      buffer.push(r);
      return true;
    },
    end(): void {
      const rows = buffer;
      buffer = [];
      rows.sort(compare); // Array.prototype.sort is stable: ties keep arrival order
      emit(rows);
    },
  };
}
