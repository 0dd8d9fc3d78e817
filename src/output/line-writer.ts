import type { LineBatch } from '../core/batch.js';
import type { TextOut } from './buffered-out.js';

const BUFFER_SIZE = 1024 * 1024;
const LF = 0x0a;

/** Where the line writer hands its filled buffers; it never touches them again. */
export interface BytesOut {
  write(data: Buffer): void;
}

/**
 * Writes the selected original lines of batches, unchanged and "\n"-terminated. Lines are copied
 * into a 1 MiB buffer that goes to `out` when full: no string is ever made, and no promise per
 * line. A handed-over buffer belongs to `out` (a sink writes it later), so a fresh one is taken.
 */
export class LineWriter {
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  linesWritten = 0;

  constructor(private readonly out: BytesOut) {}

  writeBatch(b: LineBatch): void {
    const { buf: src, starts, ends, sel } = b;
    const n = b.selCount;
    for (let i = 0; i < n; i++) {
      const row = sel[i]!;
      const start = starts[row]!;
      const length = ends[row]! - start;
      if (this.used + length + 1 > this.buf.length) {
        this.flush();
        if (length + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(length + 1);
      }
      src.copy(this.buf, this.used, start, start + length);
      this.used += length;
      this.buf[this.used++] = LF;
    }
    this.linesWritten += n;
  }

  /** One line of a batch (a malformed line for `--malformed FILE`), as writeBatch writes it. */
  writeRow(b: LineBatch, row: number): void {
    const start = b.starts[row]!;
    const length = b.ends[row]! - start;
    if (this.used + length + 1 > this.buf.length) {
      this.flush();
      if (length + 1 > this.buf.length) this.buf = Buffer.allocUnsafe(length + 1);
    }
    b.buf.copy(this.buf, this.used, start, start + length);
    this.used += length;
    this.buf[this.used++] = LF;
    this.linesWritten++;
  }

  /** Hands what is buffered to `out`. */
  flush(): void {
    if (this.used === 0) return;
    this.out.write(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(BUFFER_SIZE);
    this.used = 0;
  }
}

/** Lines of text (already formatted records), gathered per batch. */
export function writeLines(out: TextOut, texts: readonly string[]): void {
  if (texts.length > 0) out.write(texts.join('\n') + '\n');
}
