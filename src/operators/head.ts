import type { Row } from '../core/row.js';
import type { RowSink } from './row-sink.js';

/** `head N`: passes the first n rows on, then says it wants no more so input can close early. */
export function headRows(n: number, next: RowSink): RowSink {
  if (!(n >= 0)) throw new RangeError(`head needs a count >= 0, got ${n}`);
  let passed = 0;
  return {
    row(r: Row): boolean {
      if (passed >= n) return false;
      passed++;
      const more = next.row(r);
      return more !== false && passed < n;
    },
    end(): void {
      next.end();
    },
  };
}
