import type { FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { describeFsError } from './fs-errors.js';
import { openForReading, readAhead, type BufferReuse } from './read-chunks.js';

/**
 * Line-aligned byte ranges of a plain file, so that several workers can run one query on one
 * file, each reading its own range from disk.
 *
 * The rule: a range [start, end) owns every line whose first byte lies in it, and a line starts
 * at offset 0 or right after a '\n'. A range's bytes therefore run from its first line start at or
 * after `start` to the end of the last line it owns (through its '\n', or to the end of the file).
 * In terms of `lineStartAtOrAfter` below, that is [lineStartAtOrAfter(start), lineStartAtOrAfter(end)):
 * as that function only grows with its argument, the ranges of any split of a file, concatenated
 * in order, give back the file byte for byte, each line in exactly one range. Only '\n' counts:
 * a '\r' before it is part of the line, and UTF-8 needs no care ('\n' never occurs inside a
 * multi-byte character).
 */

const LF = 0x0a;

/**
 * The bytes of the lines that `[start, end)` owns, read from the file at `path` in chunks of up
 * to `chunkSize` (none empty), with read-ahead and optional buffer reuse as readFileChunks does.
 * Reads offsets [start - 1, end) for the range itself (the byte before `start` tells whether a
 * line starts there), then, when the last owned line runs past `end`, the rest of that line in
 * plain reads of `chunkSize`: so it reads less than `chunkSize` past the '\n' that ends the range.
 * A range that owns no line yields nothing. Positioned reads: for regular files, not FIFOs.
 *
 * A missing or unreadable file, or a failed read, is an InputError naming `name` (with the file
 * offset of a failed read). The file is closed when iteration ends, however it ends.
 */
export async function* readRangeChunks(
  name: string,
  path: string,
  start: number,
  end: number,
  chunkSize: number,
  reuse: BufferReuse = { enabled: false },
): AsyncGenerator<Buffer> {
  checkOffset('start', start);
  checkOffset('end', end);
  if (start > end) throw new RangeError(`start must not be past end, got [${start}, ${end})`);
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  const handle = await openForReading(name, path);
  try {
    const unfinished = yield* readOwnedBeforeEnd(handle, name, start, end, chunkSize, reuse);
    if (unfinished) yield* readRestOfLine(handle, name, end, chunkSize, reuse);
  } finally {
    await handle.close(); // after the readers' own finally blocks: no read is in flight
  }
}

/**
 * The owned bytes before `end`: those of [start - 1, end) from just after the first '\n' (or all
 * of [0, end) when `start` is 0). Returns whether they end inside a line, which the caller must
 * then finish; not when the range owns no line at all.
 */
async function* readOwnedBeforeEnd(
  handle: FileHandle,
  name: string,
  start: number,
  end: number,
  chunkSize: number,
  reuse: BufferReuse,
): AsyncGenerator<Buffer, boolean> {
  // Starting one byte early makes "byte start-1 is '\n'" and "skip to just after the next '\n'"
  // one search: the first '\n' at or after start - 1.
  let seeking = start > 0;
  // The last byte yielded. Nothing yielded means that no line starts in the range (or in the file
  // before `end`), so there is no line to finish, just as after a final '\n'.
  let lastByte = LF;
  for await (let chunk of readAhead(handle, name, chunkSize, reuse, seeking ? start - 1 : 0, end)) {
    if (seeking) {
      const newline = chunk.indexOf(LF);
      if (newline < 0) continue; // still inside the line that began before `start`: not ours
      seeking = false;
      chunk = chunk.subarray(newline + 1);
      if (chunk.length === 0) continue;
    }
    lastByte = chunk[chunk.length - 1]!;
    yield chunk;
  }
  return lastByte !== LF;
}

/**
 * From `from` through the first '\n' (or to the end of the file): the end of the range's last
 * line. Plain reads without read-ahead, since this is normally one short read and a read ahead
 * would fetch a whole chunk of the next range for nothing.
 */
async function* readRestOfLine(
  handle: FileHandle,
  name: string,
  from: number,
  chunkSize: number,
  reuse: BufferReuse,
): AsyncGenerator<Buffer> {
  let position = from;
  let buffer: Buffer | null = null;
  for (;;) {
    // A yielded buffer may be read into again only once the consumer asked for more, as in readAhead.
    if (buffer === null || !reuse.enabled) buffer = Buffer.allocUnsafe(chunkSize);
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, 0, chunkSize, position));
    } catch (error) {
      throw new InputError(name, describeFsError(error), position);
    }
    if (bytesRead === 0) return;
    const chunk = buffer.subarray(0, bytesRead);
    const newline = chunk.indexOf(LF);
    if (newline >= 0) {
      yield chunk.subarray(0, newline + 1);
      return;
    }
    yield chunk;
    position += bytesRead;
  }
}

/**
 * The first offset at or after `offset` where a line starts, or `bytes.length` if there is none:
 * what a border at `offset` becomes once aligned. The range reader computes the same thing from
 * the file; this is the rule over bytes in memory.
 */
export function lineStartAtOrAfter(bytes: Uint8Array, offset: number): number {
  if (offset <= 0) return 0;
  if (offset >= bytes.length) return bytes.length;
  const newline = bytes.indexOf(LF, offset - 1);
  return newline < 0 ? bytes.length : newline + 1;
}

/** The bytes of the lines that `[start, end)` owns in `bytes`: what readRangeChunks yields for a file holding them. */
export function ownedSlice(bytes: Buffer, start: number, end: number): Buffer {
  const from = lineStartAtOrAfter(bytes, start);
  return bytes.subarray(from, Math.max(from, lineStartAtOrAfter(bytes, end)));
}

/**
 * Cuts [0, size) into `parts` contiguous ranges of near-equal size (they differ by at most one
 * byte), or fewer when that would make them smaller than `minBytes`: a range much shorter than a
 * line would mostly own nothing, and a worker costs more than it saves on a small file. Always
 * at least one range, so an empty file is [[0, 0]]. Pure arithmetic: aligning the borders to
 * lines is the reader's job, which is why any cut points will do.
 */
export function splitIntoRanges(size: number, parts: number, minBytes = 1): Array<[number, number]> {
  checkOffset('size', size);
  if (!Number.isSafeInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  if (!Number.isSafeInteger(minBytes) || minBytes < 1) {
    throw new RangeError(`minBytes must be a positive integer, got ${minBytes}`);
  }
  const count = Math.max(1, Math.min(parts, Math.floor(size / minBytes)));
  // The first `extra` ranges get one byte more. No `i * size` product: exact for any safe size.
  const base = Math.floor(size / count);
  const extra = size % count;
  const ranges: Array<[number, number]> = [];
  for (let i = 0, start = 0; i < count; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

function checkOffset(what: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}
