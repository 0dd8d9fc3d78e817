import { createRequire } from 'node:module';
import { DecodeError, errorMessage, type Decoder } from './decoder.js';

/**
 * The parts of seek-bzip 2.0.0 (pinned exactly in package.json) this decoder drives. Its public
 * `decode` wants the whole archive and returns the whole output; these are the steps that
 * function is made of, driven here one block at a time.
 */
interface Bunzip {
  _init_block(): boolean;
  _read_bunzip(): void;
  _start_bunzip(input: ByteInput, output: ByteOutput): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}
interface ByteInput {
  readByte(): number;
  read(buffer: Uint8Array, offset: number, length: number): number;
  eof(): boolean;
}
interface ByteOutput {
  writeByte(byte: number): void;
}
type BunzipClass = new (input: ByteInput, output: ByteOutput) => Bunzip;

/**
 * The most compressed bytes one bzip2 block can take: a block of level x 100 kB that does not
 * compress, plus generous room for its Huffman tables and headers. With this much input
 * buffered, decoding a block never runs out of bytes mid-way (seek-bzip reads synchronously).
 */
function maxBlockInput(level: number): number {
  return Math.ceil(level * 100_000 * 1.125) + 8192;
}

/**
 * bzip2 in pure JavaScript, for machines without `lbzip2` or `bzip2`: one block at a time, each
 * block's CRC checked before its bytes are handed on, the stream CRC at each stream's end, and
 * concatenated streams read in turn. Memory: the buffered input and one block's output (at most
 * about 46 MB, for a block of one repeated byte), whatever the ratio of the whole file.
 */
export const bzip2LibraryDecoder: Decoder = async function* decodeBzip2(compressed) {
  const Bunzip = createRequire(import.meta.url)('seek-bzip') as BunzipClass;
  const source = compressed[Symbol.asyncIterator]();
  const pieces: Buffer[] = [];
  let buffered = 0; // bytes in pieces not yet read
  let head = 0; // read position in pieces[0]
  let ended = false;
  let consumed = 0;

  let ahead = maxBlockInput(9); // until the stream header says its level
  /** Reads input until a whole block is surely buffered, or the input ends. */
  const fill = async (): Promise<void> => {
    while (!ended && buffered < ahead) {
      const next = await source.next();
      if (next.done) ended = true;
      else if (next.value.length > 0) {
        pieces.push(next.value);
        buffered += next.value.length;
      }
    }
  };
  const input: ByteInput = {
    readByte() {
      while (pieces.length > 0 && head >= pieces[0]!.length) {
        pieces.shift();
        head = 0;
      }
      if (pieces.length === 0) throw new DecodeError('truncated bzip2 data', consumed);
      buffered--;
      consumed++;
      return pieces[0]![head++]!;
    },
    read(buffer, offset, length) {
      let n = 0;
      while (n < length && buffered > 0) buffer[offset + n++] = this.readByte();
      return n;
    },
    eof: () => buffered === 0 && ended,
  };
  let out = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  const output: ByteOutput = {
    writeByte(byte) {
      if (used === out.length) {
        const bigger = Buffer.allocUnsafe(out.length * 2);
        out.copy(bigger, 0, 0, used);
        out = bigger;
      }
      out[used++] = byte;
    },
  };

  try {
    while (!ended && buffered < 4) {
      const next = await source.next();
      if (next.done) ended = true;
      else if (next.value.length > 0) {
        pieces.push(next.value);
        buffered += next.value.length;
      }
    }
    const level = (pieces[0]?.[3] ?? 0x39) - 0x30; // 'BZh1'..'BZh9' (a level past one piece: assume 9)
    if (level >= 1 && level <= 9) ahead = maxBlockInput(level);
    await fill();
    let bz: Bunzip;
    try {
      bz = new Bunzip(input, output);
    } catch (error) {
      throw failure(error, consumed);
    }
    for (;;) {
      await fill();
      if (input.eof()) break;
      let block: boolean;
      try {
        block = bz._init_block();
        if (block) {
          used = 0;
          bz._read_bunzip(); // throws on a block CRC mismatch, before anything is handed on
        } else {
          const expected = bz.reader.read(32) >>> 0;
          if (expected !== bz.streamCRC) throw new DecodeError('corrupt bzip2 data: stream CRC mismatch', consumed);
        }
      } catch (error) {
        throw failure(error, consumed);
      }
      if (block) {
        yield Buffer.from(out.subarray(0, used)); // a copy: `out` is reused for the next block
        continue;
      }
      await fill();
      if (input.eof()) break;
      try {
        bz._start_bunzip(input, output); // the next of concatenated streams
      } catch (error) {
        throw failure(error, consumed);
      }
    }
  } finally {
    await source.return?.(undefined);
  }
};

function failure(error: unknown, offset: number): DecodeError {
  if (error instanceof DecodeError) return error;
  const message = errorMessage(error);
  if (/crc/i.test(message)) return new DecodeError('corrupt bzip2 data: block CRC mismatch', offset);
  return new DecodeError(`corrupt bzip2 data${message ? `: ${message.toLowerCase()}` : ''}`, offset);
}
