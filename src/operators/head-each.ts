import type { Row } from '../core/row.js';
import { encodeKey } from '../aggregates/index.js';
import type { RowSink } from './row-sink.js';

/**
 * The rows of highest `count` (the last column) in each group of the leading `groups` columns,
 * at most `n` per group: `top 3 url by host`. Groups come out in first-seen order, each group's
 * rows by count descending (ties keep first-seen order). Holds every row until the end, which is
 * fine: its input is an aggregate's result, already one row per (group, value).
 */
export function headEach(n: number, groups: number, next: RowSink): RowSink {
  const byGroup = new Map<string, Row[]>();
  return {
    row(r: Row) {
      const key = encodeKey(r, groups);
      let rows = byGroup.get(key);
      if (!rows) byGroup.set(key, (rows = []));
      rows.push(r);
      return true;
    },
    end() {
      outer: for (const rows of byGroup.values()) {
        const count = rows[0]!.length - 1;
        // Array.prototype.sort is stable: equal counts keep their first-seen order.
        rows.sort((a, b) => Number(b[count] ?? 0) - Number(a[count] ?? 0));
        for (const r of rows.slice(0, n)) if (next.row(r) === false) break outer;
      }
      next.end();
    },
  };
}
