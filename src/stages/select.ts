import type { LineBatch } from '../core/batch.js';

export type RowPredicate = (b: LineBatch, row: number) => boolean;

/** Keeps the selected rows for which `keep` is true, compacting `b.sel` in place (order kept). */
export function selectRows(b: LineBatch, keep: RowPredicate): void {
  const sel = b.sel;
  const n = b.selCount;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const row = sel[i]!;
    if (keep(b, row)) sel[out++] = row;
  }
  b.selCount = out;
}
