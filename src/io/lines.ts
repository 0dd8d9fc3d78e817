import { LineBatch } from '../core/batch.js';
import type { Source } from '../core/source.js';
import type { RunContext } from '../stages/context.js';
import type { Chunk } from './cat.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Finds the lines of `buf[0, length)` (which holds whole lines only) and returns them as a batch.
 * `maxLineLength` cuts longer lines in place; `onLong` is told each cut line's row.
 */
export function splitLines(
  source: Source,
  buf: Buffer,
  firstLine: number,
  maxLineLength: number,
  onLong: (row: number) => void,
): LineBatch {
  let capacity = Math.max(16, buf.length >>> 6);
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
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
  const sel = new Uint32Array(count);
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
  const stats = ctx.profile.stage('lines');
  return async function* linesStage(chunks: AsyncIterable<Chunk>): AsyncGenerator<LineBatch> {
    const limit = ctx.maxLineLength;
    let carry: Buffer | null = null; // start of an unfinished line
    let carryLong = false; // the unfinished line already passed the limit: drop until newline
    let nextLine = 1;
    let current: Source | null = null;

    const emit = (source: Source, buf: Buffer): LineBatch => {
      const t0 = performance.now();
      const first = nextLine;
      const batch = splitLines(source, buf, first, limit, (row) =>
        ctx.diagnostics.lineTooLong(source.name, first + row, limit),
      );
      nextLine += batch.count;
      stats.recordsOut += batch.count;
      stats.ms += performance.now() - t0;
      ctx.profile.sampleMemory();
      return batch;
    };

    for await (const chunk of chunks) {
      if (chunk.source !== current) {
        current = chunk.source;
        nextLine = 1;
        carry = null;
        carryLong = false;
      }
      const { source, data } = chunk;
      if (chunk.final) {
        if (carry && carry.length > 0) {
          if (carryLong) ctx.diagnostics.lineTooLong(source.name, nextLine, limit);
          const batch = emit(source, carry);
          carry = null;
          carryLong = false;
          yield batch;
        }
        continue;
      }
      if (data.length === 0) continue;

      let firstNl = data.indexOf(LF);
      if (firstNl < 0) {
        // No line ends in this chunk: it all belongs to the unfinished line.
        if (!carryLong) {
          const joined: Buffer = carry ? Buffer.concat([carry, data]) : data;
          if (joined.length > limit) {
            carry = Buffer.from(joined.subarray(0, limit));
            carryLong = true;
          } else {
            carry = carry ? joined : Buffer.from(data); // own the bytes: the chunk may be large
          }
        }
        continue;
      }

      if (carry) {
        // Finish the straddling line on its own (a small copy), then the rest of the chunk.
        let head: Buffer;
        if (carryLong) {
          head = carry;
          ctx.diagnostics.lineTooLong(source.name, nextLine, limit);
        } else {
          head = Buffer.concat([carry, data.subarray(0, firstNl + 1)]);
        }
        carry = null;
        carryLong = false;
        yield emit(source, head);
      } else {
        firstNl = -1;
      }

      const lastNl = data.lastIndexOf(LF);
      if (lastNl > firstNl) yield emit(source, data.subarray(firstNl + 1, lastNl + 1));
      if (lastNl + 1 < data.length) {
        const rest = data.subarray(lastNl + 1);
        if (rest.length > limit) {
          carry = Buffer.from(rest.subarray(0, limit));
          carryLong = true;
        } else {
          carry = Buffer.from(rest);
        }
      }
    }
  };
}
