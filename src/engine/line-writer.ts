import { writeSync } from 'node:fs';
import type { LineBatch } from '../core/batch.js';
import { encodeText } from '../core/text.js';
import { EXIT_INPUT, UserError } from '../core/errors.js';
import { describeFsError } from '../io/fs-errors.js';

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
    writeAll(this.fd, this.buf, this.used);
    this.used = 0;
  }
}

/** Writes text (tables, JSON, CSV) to a file descriptor synchronously, with the same EPIPE handling. */
export function writeText(fd: number, text: string): void {
  const bytes = encodeText(text); // restores bytes that were not valid UTF-8 (see core/text.ts)
  writeAll(fd, bytes, bytes.length);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes `length` bytes synchronously. A non-blocking pipe that is full (EAGAIN) is waited for a
 * millisecond at a time rather than spun on; a reader that went away (EPIPE) ends the output.
 */
function writeAll(fd: number, bytes: Buffer, length: number): void {
  let offset = 0;
  while (offset < length) {
    try {
      offset += writeSync(fd, bytes, offset, length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EPIPE') throw new OutputClosed();
      // A full disk, a closed descriptor (`>&-`): the user's to fix, said in one line, as cat does.
      else throw new UserError(`cannot write output: ${describeFsError(error)}`, EXIT_INPUT);
    }
  }
}
