/**
 * Per-batch parse results of a byte-level parser (access logs, applog), stored in `LineBatch.parsed`: for row r,
 * field slot k's byte range is spans[r*spanStride + 2k .. +1], and number/time values sit at
 * nums[r*numStride + k] (time offsets at offsets[...]). One object per parser, reused for every
 * batch and grown when a batch has more rows, so parsing allocates nothing per row. It is valid
 * until the parser's next parse() call.
 */
export class SpanState {
  spans = new Int32Array(0);
  nums = new Float64Array(0);
  offsets = new Int16Array(0);

  constructor(
    readonly spanStride: number,
    readonly numStride: number,
  ) {}

  ensureRows(rows: number): void {
    if (this.nums.length >= rows * this.numStride && this.spans.length >= rows * this.spanStride) return;
    const capacity = Math.max(rows, 1024);
    this.spans = new Int32Array(capacity * this.spanStride);
    this.nums = new Float64Array(capacity * this.numStride);
    this.offsets = new Int16Array(capacity * this.numStride);
  }
}
