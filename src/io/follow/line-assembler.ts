import type { LineBatch } from '../../core/batch.js';
import type { Source } from '../../core/source.js';
import { splitLines, type LineArrays } from '../lines.js';

const LF = 0x0a;

/** A batch of whole lines and the byte offset just after its last newline (where a resume starts). */
export interface Piece {
  readonly batch: LineBatch;
  readonly end: number;
}

/**
 * Turns the bytes of one growing input into batches of complete lines only: the unfinished last
 * line is held (copied: read buffers are reused) until its newline arrives, so a line is emitted
 * once, whole, however the writer's appends cut it. Only the line that straddles two reads is
 * copied; every other line stays a view on the read buffer. Past `maxLineLength` the rest of a held
 * line is dropped as it streams by (and reported), so an endless line costs at most the limit.
 */
export class LineAssembler {
  private pieces: Buffer[] = [];
  private kept = 0;
  /** Bytes of the unfinished line seen so far, including those dropped past the limit. */
  private held = 0;
  /** Line number of the next line (counted from where reading started). */
  nextLine = 1;

  constructor(
    private readonly maxLineLength: number,
    private readonly arrays: LineArrays | undefined,
    private readonly onLong: (source: Source, line: number) => void,
  ) {}

  /** Bytes of the unfinished line held back. */
  get pendingBytes(): number {
    return this.held;
  }

  /** Batches of the lines `data` (read at file offset `at`) completes, in order. */
  *push(source: Source, data: Buffer, at: number): Generator<Piece> {
    const firstNl = data.indexOf(LF);
    if (firstNl < 0) {
      this.append(data);
      return;
    }
    let start = 0;
    if (this.held > 0) {
      // The straddling line on its own (a small copy), then the rest of the read as a view.
      yield { batch: this.split(source, this.finish(source, data.subarray(0, firstNl + 1))), end: at + firstNl + 1 };
      start = firstNl + 1;
    }
    const lastNl = data.lastIndexOf(LF);
    if (lastNl >= start) yield { batch: this.split(source, data.subarray(start, lastNl + 1)), end: at + lastNl + 1 };
    if (lastNl + 1 < data.length) this.append(data.subarray(lastNl + 1));
  }

  /** The held line as a last line, for an input that is finished (end of a pipe, a drained rotated file). */
  flush(source: Source): LineBatch | null {
    if (this.held === 0) return null;
    return this.split(source, this.finish(source, null));
  }

  /** Forgets the held line (its file was truncated: those bytes are gone) and restarts the line count. */
  reset(): void {
    this.pieces = [];
    this.kept = 0;
    this.held = 0;
    this.nextLine = 1;
  }

  private append(piece: Buffer): void {
    this.held += piece.length;
    const room = this.maxLineLength - this.kept;
    if (room <= 0) return;
    const part = piece.length > room ? piece.subarray(0, room) : piece;
    this.pieces.push(Buffer.from(part));
    this.kept += part.length;
  }

  private finish(source: Source, tail: Buffer | null): Buffer {
    // Past the limit only the kept start is the line; at or under it, splitLines cuts (and reports)
    // a line that only the tail made too long.
    const cut = this.held > this.maxLineLength;
    if (cut) this.onLong(source, this.nextLine);
    const parts = cut || tail === null ? this.pieces : [...this.pieces, tail];
    const line = Buffer.concat(parts);
    this.pieces = [];
    this.kept = 0;
    this.held = 0;
    return line;
  }

  private split(source: Source, buf: Buffer): LineBatch {
    const first = this.nextLine;
    const batch = splitLines(source, buf, first, this.maxLineLength, (row) => this.onLong(source, first + row), this.arrays);
    this.nextLine += batch.count;
    return batch;
  }
}
