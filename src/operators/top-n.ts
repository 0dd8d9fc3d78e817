import type { Row } from '../core/row.js';

/**
 * The first `limit` rows of a sort, kept in a bounded max-heap (the worst kept row at the root):
 * O(n log limit) time and `limit` rows of memory whatever the input size. This is what
 * `sort ... | head N` runs.
 *
 * Ties are broken by arrival order, as a stable sort would, so the result equals the head of a
 * full stable sort exactly.
 */
export class TopN {
  private readonly rows: Row[] = [];
  /** Arrival number of each heap entry, moved together with `rows`. */
  private readonly seqs: number[] = [];
  private seq = 0;

  constructor(
    readonly limit: number,
    private readonly compare: (a: Row, b: Row) => number,
  ) {
    if (!(limit >= 0)) throw new RangeError(`top-n limit must be >= 0, got ${limit}`);
  }

  get size(): number {
    return this.rows.length;
  }

  push(row: Row): void {
    const seq = this.seq++;
    const rows = this.rows;
    if (rows.length < this.limit) {
      rows.push(row);
      this.seqs.push(seq);
      this.siftUp(rows.length - 1);
    } else if (rows.length > 0 && this.compare(row, rows[0]) < 0) {
      // The new row sorts before the worst kept one (on a tie it arrived later, so it loses).
      rows[0] = row;
      this.seqs[0] = seq;
      this.siftDown(0);
    }
  }

  /** The kept rows in sort order, leaving the heap as it is. */
  peek(): Row[] {
    const order = this.rows.map((_, i) => i);
    order.sort((a, b) => this.compare(this.rows[a], this.rows[b]) || this.seqs[a] - this.seqs[b]);
    return order.map((i) => this.rows[i]);
  }

  /** The kept rows in sort order. The heap is emptied. */
  drain(): Row[] {
    const order = this.rows.map((_, i) => i);
    order.sort((a, b) => this.compare(this.rows[a], this.rows[b]) || this.seqs[a] - this.seqs[b]);
    const out = order.map((i) => this.rows[i]);
    this.rows.length = 0;
    this.seqs.length = 0;
    return out;
  }

  /** True when entry i comes before entry j in the final order. */
  private before(i: number, j: number): boolean {
    const c = this.compare(this.rows[i], this.rows[j]);
    return c < 0 || (c === 0 && this.seqs[i] < this.seqs[j]);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(parent, i)) return;
      this.swap(parent, i);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.rows.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < n && this.before(worst, left)) worst = left;
      if (right < n && this.before(worst, right)) worst = right;
      if (worst === i) return;
      this.swap(worst, i);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    const rows = this.rows;
    const seqs = this.seqs;
    const r = rows[i];
    rows[i] = rows[j];
    rows[j] = r;
    const s = seqs[i];
    seqs[i] = seqs[j];
    seqs[j] = s;
  }
}
