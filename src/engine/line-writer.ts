import { writeSync } from 'node:fs';
import type { LineBatch } from '../core/batch.js';

const BUFFER_SIZE = 1024 * 1024;
const LF = 0x0a;

/** Thrown when the reader of our output went away (`logsift ... | head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
  }
}

/**
 * Writes the selected original lines of batches, unchanged and "\n"-terminated, to a file
 * descriptor. Lines are copied into a 1 MiB buffer and written with one synchronous write per
 * buffer: no string is ever made, and no promise per line.
 */
export class LineWriter {
  private buf = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  linesWritten = 0;

  constructor(private readonly fd: number) {}

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

  flush(): void {
    let offset = 0;
    while (offset < this.used) {
      try {
        offset += writeSync(this.fd, this.buf, offset, this.used - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') continue; // a non-blocking pipe is full: try again
        if (code === 'EPIPE') throw new OutputClosed();
        throw error;
      }
    }
    this.used = 0;
  }
}

/** Writes text (tables, JSON, CSV) to a file descriptor synchronously, with the same EPIPE handling. */
export function writeText(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') throw new OutputClosed();
      throw error;
    }
  }
}
