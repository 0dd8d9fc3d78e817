import { Instant, type Value } from '../core/value.js';
import { decodeValue, encodeValue, type EncodedValue } from '../core/value-codec.js';
import { CODEC_VERSION, expectArray, expectCount, expectRecord, expectVersion, fail } from './codec.js';

/** One counted key. `error` bounds how much of `count` may belong to keys it displaced. */
interface Counter {
  readonly key: Value;
  count: number;
  error: number;
  /** Arrival order of the key (ties in count keep it, as a stable sort would). */
  readonly order: number;
  /** Position in the heap, once in sketch mode. */
  slot: number;
}

/** One row of a top-N answer: `count` may be over the true count by at most `error`. */
export interface TopRow {
  readonly key: Value;
  readonly count: number;
  readonly error: number;
}

/** A top-N answer, and whether the sketch could have made it differ from the exact one. */
export interface TopAnswer {
  readonly rows: readonly TopRow[];
  /** False when these are provably the exact top rows with their exact counts. */
  readonly estimate: boolean;
}

/**
 * A TopCounter as data: each counter as `[key, count, error, order]` (in arrival order), how
 * many keys ever arrived (`arrivals`, which numbers the next one), and whether the Space-Saving
 * sketch took over. The heap is not written: (count, order) orders the counters totally, so
 * rebuilding it gives the same evictions and answers.
 */
export interface EncodedTopCounter {
  version: number;
  sketch: boolean;
  arrivals: number;
  counters: [key: EncodedValue, count: number, error: number, order: number][];
}

/**
 * The counts behind `top N field`, in bounded memory.
 *
 * Exact (a map of every key's count) up to `limit` distinct keys; past that, a Space-Saving
 * sketch (Metwally, Agrawal, El Abbadi 2005) with `limit` counters: a new key takes over the
 * counter with the smallest count and inherits that count as its possible error. Every count is
 * then at most its true count plus `maxError`, and every key whose true count exceeds
 * total / limit is among the counters, so the top N of a skewed distribution (which logs are)
 * come out right, with counts a little high at worst.
 *
 * Merging two counters (partial results of split input) adds counts; in sketch mode a key
 * missing from one side may have had up to that side's smallest count, which is added to its
 * error, then the `limit` largest are kept (Agarwal et al., "Mergeable summaries", 2012).
 */
export class TopCounter {
  private readonly byKey = new Map<Value, Counter>();
  private readonly byInstant = new Map<number, Counter>();
  /** Min-heap on (count, order), built when the exact phase ends. */
  private heap: Counter[] | null = null;
  private arrivals = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`top limit must be >= 1, got ${limit}`);
  }

  get isEstimate(): boolean {
    return this.heap !== null;
  }

  add(key: Value, times = 1): void {
    const found = this.lookup(key);
    if (found) {
      found.count += times;
      if (this.heap) this.siftDown(found.slot);
      return;
    }
    if (this.size < this.limit) {
      this.insert({ key, count: times, error: 0, order: this.arrivals++, slot: -1 });
      return;
    }
    this.heap ??= this.buildHeap();
    const evicted = this.heap[0]!;
    this.forget(evicted.key);
    const counter: Counter = { key, count: evicted.count + times, error: evicted.count, order: this.arrivals++, slot: 0 };
    this.heap[0] = counter;
    this.remember(counter);
    this.siftDown(0);
  }

  /** Adds `other`'s counts into this one (`other` is unchanged). */
  merge(other: TopCounter): void {
    const theirFloor = other.heap ? other.heap[0]!.count : 0;
    const ourFloor = this.heap ? this.heap[0]!.count : 0;
    const merged: { key: Value; count: number; error: number; order: number }[] = [];
    for (const c of this.counters()) {
      const theirs = other.lookup(c.key);
      merged.push({
        key: c.key,
        count: c.count + (theirs ? theirs.count : theirFloor),
        error: c.error + (theirs ? theirs.error : theirFloor),
        order: c.order,
      });
    }
    for (const c of other.counters()) {
      if (this.lookup(c.key)) continue;
      merged.push({ key: c.key, count: c.count + ourFloor, error: c.error + ourFloor, order: this.arrivals + c.order });
    }
    this.arrivals += other.arrivals;
    const wasSketch = this.heap !== null || other.heap !== null || merged.length > this.limit;
    merged.sort((a, b) => b.count - a.count || a.order - b.order);
    this.byKey.clear();
    this.byInstant.clear();
    this.heap = null;
    for (const m of merged.slice(0, this.limit)) this.insert({ ...m, slot: -1 });
    if (wasSketch) this.heap = this.buildHeap();
  }

  encode(): EncodedTopCounter {
    const counters = [...this.counters()].sort((a, b) => a.order - b.order);
    return {
      version: CODEC_VERSION,
      sketch: this.heap !== null,
      arrivals: this.arrivals,
      counters: counters.map((c) => [encodeValue(c.key), c.count, c.error, c.order]),
    };
  }

  /**
   * The counter `encode` wrote, with room for `limit` keys. Throws a RangeError when `data` does
   * not fit: another version, more counters than `limit`, a key or arrival order seen twice,
   * an error above its count, or a sketch without counters.
   */
  static decode(limit: number, data: unknown): TopCounter {
    const o = expectRecord(data, WHAT);
    expectVersion(o, WHAT);
    if (typeof o.sketch !== 'boolean') fail(WHAT, 'sketch is not a boolean');
    const top = new TopCounter(limit);
    top.arrivals = expectCount(o.arrivals, WHAT);
    const counters = expectArray(o.counters, WHAT);
    if (counters.length > limit) fail(WHAT, `${counters.length} counters, more than the limit of ${limit}`);
    const orders = new Set<number>();
    for (const entry of counters) {
      const c = decodeCounter(entry, top.arrivals);
      if (top.lookup(c.key) || orders.has(c.order)) fail(WHAT, 'a key or arrival order appears twice');
      orders.add(c.order);
      top.insert(c);
    }
    if (o.sketch) {
      // top() and add() read the heap's least counter, so a sketch must have one.
      if (counters.length === 0) fail(WHAT, 'a sketch without counters');
      top.heap = top.buildHeap();
    }
    return top;
  }

  /**
   * The n keys with the largest counts, largest first; ties in arrival order. In sketch mode the
   * answer is still exact when every shown count has no error and the smallest of them beats
   * both the next counter and the floor (the most an uncounted key can have had).
   */
  top(n: number): TopAnswer {
    const sorted = [...this.counters()].sort((a, b) => b.count - a.count || a.order - b.order);
    const rows = sorted.slice(0, n).map((c) => ({ key: c.key, count: c.count, error: c.error }));
    if (!this.heap) return { rows, estimate: false };
    const floor = this.heap[0]!.count;
    const next = sorted[n]?.count ?? 0;
    const last = rows[rows.length - 1];
    const exact = rows.every((r) => r.error === 0) && (last === undefined || last.count > Math.max(next, floor));
    return { rows, estimate: !exact };
  }

  private get size(): number {
    return this.byKey.size + this.byInstant.size;
  }

  private *counters(): Generator<Counter> {
    yield* this.byKey.values();
    yield* this.byInstant.values();
  }

  /** Instants group by their instant (as GroupTable does), other values by themselves. */
  private lookup(key: Value): Counter | undefined {
    return key instanceof Instant ? this.byInstant.get(key.ms) : this.byKey.get(key);
  }

  private remember(c: Counter): void {
    if (c.key instanceof Instant) this.byInstant.set(c.key.ms, c);
    else this.byKey.set(c.key, c);
  }

  private forget(key: Value): void {
    if (key instanceof Instant) this.byInstant.delete(key.ms);
    else this.byKey.delete(key);
  }

  private insert(c: Counter): void {
    this.remember(c);
    if (this.heap) {
      c.slot = this.heap.length;
      this.heap.push(c);
      this.siftUp(c.slot);
    }
  }

  private buildHeap(): Counter[] {
    const heap = [...this.counters()];
    heap.sort((a, b) => a.count - b.count || b.order - a.order);
    heap.forEach((c, i) => (c.slot = i));
    return heap;
  }

  /** a should sit above b in the min-heap: smaller count, or on a tie the later arrival. */
  private static above(a: Counter, b: Counter): boolean {
    return a.count < b.count || (a.count === b.count && a.order > b.order);
  }

  private siftDown(i: number): void {
    const heap = this.heap!;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && TopCounter.above(heap[left]!, heap[least]!)) least = left;
      if (right < n && TopCounter.above(heap[right]!, heap[least]!)) least = right;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private siftUp(i: number): void {
    const heap = this.heap!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!TopCounter.above(heap[i]!, heap[parent]!)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private swap(i: number, j: number): void {
    const heap = this.heap!;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    a.slot = j;
    b.slot = i;
  }
}

const WHAT = 'top counter';

function decodeCounter(data: unknown, arrivals: number): Counter {
  const [key, count, error, order] = expectArray(data, WHAT, 4);
  const c: Counter = {
    key: decodeValue(key),
    count: expectCount(count, WHAT),
    error: expectCount(error, WHAT),
    order: expectCount(order, WHAT),
    slot: -1,
  };
  if (c.error > c.count) fail(WHAT, 'an error above its count');
  // Orders number arrivals, so each is below the count of arrivals.
  if (c.order >= arrivals) fail(WHAT, 'an arrival order past the arrivals');
  return c;
}
