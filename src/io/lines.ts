import { LineBatch } from '../core/batch.js';
import type { Source } from '../core/source.js';
import type { RunContext } from '../core/run-context.js';
import type { Chunk } from './cat.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Line-offset arrays a splitter may fill again: when batches are valid only until the next one is
 * pulled (RunOptions.reuseBuffers), their offsets need not be fresh either. Typed arrays of this
 * size live outside V8's heap and, made anew per batch, pile up between collections like buffers.
 */
export interface LineArrays {
  starts: Int32Array;
  ends: Int32Array;
  sel: Uint32Array;
}

/**
 * Finds the lines of `buf[0, length)` (which holds whole lines only) and returns them as a batch.
 * `maxLineLength` cuts longer lines in place; `onLong` is told each cut line's row. With `arrays`,
 * the batch's offsets are written into them (grown when too small) instead of fresh ones.
 */
export function splitLines(
  source: Source,
  buf: Buffer,
  firstLine: number,
  maxLineLength: number,
  onLong: (row: number) => void,
  arrays?: LineArrays,
): LineBatch {
  let capacity = Math.max(16, buf.length >>> 6);
  let starts: Int32Array;
  let ends: Int32Array;
  if (arrays && arrays.starts.length >= capacity) {
    starts = arrays.starts;
    ends = arrays.ends;
    capacity = starts.length;
  } else {
    starts = new Int32Array(capacity);
    ends = new Int32Array(capacity);
  }
  let count = 0;
  let pos = 0;
  const length = buf.length;
  while (pos < length) {
    let nl = buf.indexOf(LF, pos);
    if (nl < 0) nl = length;
    let end = nl;
    if (end > pos && buf[end - 1] === CR) end--;
    if (count === capacity) {
      capacity *= 2;
      const s = new Int32Array(capacity);
      s.set(starts);
      starts = s;
      const e = new Int32Array(capacity);
      e.set(ends);
      ends = e;
    }
    if (end - pos > maxLineLength) {
      end = pos + maxLineLength;
      onLong(count);
    }
    starts[count] = pos;
    ends[count] = end;
    count++;
    pos = nl + 1;
  }
  let sel: Uint32Array;
  if (arrays) {
    if (arrays.sel.length < count) arrays.sel = new Uint32Array(Math.max(count, starts.length));
    sel = arrays.sel;
    arrays.starts = starts;
    arrays.ends = ends;
  } else {
    sel = new Uint32Array(count);
  }
  for (let i = 0; i < count; i++) sel[i] = i;
  const batch = new LineBatch(source, buf, starts, ends, sel, firstLine);
  batch.count = count;
  batch.selCount = count;
  return batch;
}

/**
 * cat -> lines: turns chunks into batches of whole lines. Only the one line that straddles a chunk
 * border is copied (the carry); everything else stays a view on the chunk as read. A line longer
 * than the limit is cut: its first `maxLineLength` bytes are kept, the rest is skipped as it
 * streams by, so an endless line costs at most the limit in memory.
 */
export function lines(ctx: RunContext) {
  const stats = ctx.meters.stage('lines');
  return async function* linesStage(chunks: AsyncIterable<Chunk>): AsyncGenerator<LineBatch> {
    const limit = ctx.maxLineLength;
    const batchBytes = ctx.chunkSize;
    // Batches that live only until the next is pulled share their offset arrays too.
    const arrays: LineArrays | undefined = ctx.options.reuseBuffers
      ? { starts: new Int32Array(0), ends: new Int32Array(0), sel: new Uint32Array(0) }
      : undefined;
    const carry = new LineCarry(limit); // the start of an unfinished line
    let nextLine = 1;
    let current: Source | null = null;

    const emit = (source: Source, buf: Buffer): LineBatch => {
      stats.begin(0);
      const first = nextLine;
      const batch = splitLines(source, buf, first, limit, (row) => ctx.diagnostics.lineTooLong(source.name, first + row, limit), arrays);
      nextLine += batch.count;
      ctx.linesRead.set(source.name, nextLine - 1);
      stats.end(batch.count);
      ctx.meters.sampleMemory();
      return batch;
    };
    /** The carried line, completed by `tail` (up to its newline), as one buffer. */
    const finishCarry = (source: Source, tail: Buffer | null): Buffer => {
      // A cut line is reported here; splitLines reports lines that only the tail made too long.
      if (carry.long) ctx.diagnostics.lineTooLong(source.name, nextLine, limit);
      return carry.finish(tail);
    };

    for await (const chunk of chunks) {
      if (chunk.source !== current) {
        current = chunk.source;
        nextLine = 1;
        carry.clear();
      }
      const { source, data } = chunk;
      if (chunk.final) {
        if (!carry.empty) yield emit(source, finishCarry(source, null));
        continue;
      }
      if (data.length === 0) continue;

      let firstNl = data.indexOf(LF);
      if (firstNl < 0) {
        carry.append(data); // no line ends in this chunk: it all belongs to the unfinished line
        continue;
      }
      if (!carry.empty) {
        // Finish the straddling line on its own (a small copy), then the rest of the chunk.
        yield emit(source, finishCarry(source, data.subarray(0, firstNl + 1)));
      } else {
        firstNl = -1;
      }
      const lastNl = data.lastIndexOf(LF);
      // Batches stay about a chunk in size even when a decoder hands over a huge piece (a bzip2
      // block of one repeated byte decodes to 46 MB): line offsets are per batch, 8 bytes a line.
      for (let start = firstNl + 1; start <= lastNl; ) {
        let end = lastNl + 1;
        if (end - start > batchBytes) {
          const cut = data.lastIndexOf(LF, start + batchBytes - 1);
          end = cut >= start ? cut + 1 : data.indexOf(LF, start + batchBytes) + 1;
        }
        yield emit(source, data.subarray(start, end));
        start = end;
      }
      if (lastNl + 1 < data.length) carry.append(data.subarray(lastNl + 1));
    }
  };
}

/**
 * The bytes of a line that spans chunks, kept as copied pieces (chunk buffers may be recycled)
 * and joined once when the line ends, so a line of n bytes costs O(n) however many chunks it
 * spans. Past `limit` bytes the rest is dropped as it streams by (`long`), so an endless line
 * costs at most the limit.
 */
class LineCarry {
  private pieces: Buffer[] = [];
  private length = 0;
  long = false;

  constructor(private readonly limit: number) {}

  get empty(): boolean {
    return this.length === 0 && !this.long;
  }

  append(piece: Buffer): void {
    if (this.long) return;
    const room = this.limit - this.length;
    if (piece.length > room) {
      this.long = true;
      piece = piece.subarray(0, room);
    }
    if (piece.length === 0) return;
    this.pieces.push(Buffer.from(piece));
    this.length += piece.length;
  }

  /** The line so far plus `tail` (unless already cut), and the carry is empty again. */
  finish(tail: Buffer | null): Buffer {
    const parts = this.long || tail === null ? this.pieces : [...this.pieces, tail];
    const line = parts.length === 1 && parts[0] !== tail ? parts[0]! : Buffer.concat(parts);
    this.clear();
    return line;
  }

  clear(): void {
    this.pieces = [];
    this.length = 0;
    this.long = false;
  }
}
