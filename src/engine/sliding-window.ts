import { PartialMerger, type Partial } from './partial.js';
import { decodePartial, encodePartial, type EncodedPartial, type StateShape } from './partial-codec.js';

/**
 * `--window`: the aggregate over what arrived in the last `windowMs`, kept as a ring of buckets.
 * Every `bucketMs` the running pass's state is cut off (`PassRunner.cut`) into a bucket, in wire
 * form; buckets older than the window are dropped; the result merges the buckets still inside it
 * with the state being filled. Memory is the bucket count times one aggregate's state. The window
 * is measured in arrival time and moves by whole buckets: a line counts for between `windowMs -
 * bucketMs` and `windowMs` after it arrived.
 */
export class SlidingWindow {
  private readonly buckets: { readonly at: number; readonly partial: EncodedPartial }[] = [];

  constructor(
    readonly windowMs: number,
    readonly bucketMs: number,
    private readonly shape: () => StateShape,
  ) {}

  /** Files a bucket cut off at `now`, and forgets those that left the window. */
  add(partial: Partial, now: number): void {
    this.buckets.push({ at: now, partial: encodePartial(partial) });
    while (this.buckets.length > 0 && this.buckets[0]!.at < now - this.windowMs + this.bucketMs) this.buckets.shift();
  }

  /** The window's state: the kept buckets and `current` (the state being filled), merged from fresh copies. */
  result(current: EncodedPartial): Partial {
    const merger = new PartialMerger();
    for (const b of this.buckets) merger.add(decodePartial(b.partial, this.shape()));
    merger.add(decodePartial(current, this.shape()));
    return merger.result();
  }
}
