import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { DecodeError, errorMessage, type Decoder } from './decoder.js';

/** zlib's output slice size: larger than its 16 KiB default, so fewer chunks flow downstream. */
const OUTPUT_CHUNK = 64 * 1024;

/** A corrupt archive, with what is wrong; the driver adds the offset. */
class GzipError extends Error {}

/**
 * Compressed input is fed to zlib in pieces of at most this size, and what a piece decodes to is
 * handed on before the next piece is fed. That bounds the output held at once to a piece times
 * the compression ratio (deflate's ratio is at most about 1000:1).
 */
const PIECE_SIZE = 64 * 1024;

/** Where the member framing sends its results. */
interface GzipEvents {
  output(chunk: Buffer): void;
  warn(message: string): void;
}

/** The push-style member decoder below, driven one piece at a time. */
export const gzipDecoder: Decoder = async function* decodeGzip(compressed, warn) {
  const decoded: Buffer[] = [];
  const members = createGzipMembers({ output: (chunk) => decoded.push(chunk), warn });
  const fail = (error: unknown, atEnd: boolean): DecodeError =>
    new DecodeError(members.describe(error, atEnd), members.consumed(), 'compressed');
  try {
    for await (const chunk of compressed) {
      for (let start = 0; start < chunk.length; start += PIECE_SIZE) {
        let failure: DecodeError | undefined;
        try {
          await members.write(chunk.subarray(start, start + PIECE_SIZE));
        } catch (error) {
          failure = fail(error, false);
        }
        yield* drain(decoded); // what was decoded before a failure still flows on
        if (failure) throw failure;
      }
    }
    let failure: DecodeError | undefined;
    try {
      members.end();
    } catch (error) {
      failure = fail(error, true);
    }
    yield* drain(decoded);
    if (failure) throw failure;
  } finally {
    members.destroy();
  }
};

/** Yields, then forgets, every chunk in `queue`, including any added meanwhile. */
function* drain(queue: Buffer[]): Generator<Buffer> {
  for (let index = 0; index < queue.length; index++) yield queue[index]!;
  queue.length = 0;
}

const FTEXT_FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

/**
 * gzip, member by member, the way `gzip -dc` reads it: every member of a concatenated archive
 * (rotated logs that were `cat`-ed), each member's CRC-32 and length (ISIZE) checked, and bytes
 * after the last member that are not another member are ignored with a warning ("trailing
 * garbage"), instead of losing the member's last output to an error.
 *
 * The framing (header, trailer) is read here; the deflate data goes through node:zlib's raw
 * inflate, whose `bytesWritten` says exactly where the deflate data ended, so the bytes after it
 * are known to be the trailer and whatever follows. Decoding runs on libuv's thread pool.
 */
function createGzipMembers(events: GzipEvents) {
  let phase: 'header' | 'body' | 'trailer' | 'garbage' = 'header';
  let pending: Buffer = Buffer.alloc(0); // bytes of a header or trailer not yet complete
  let members = 0;
  let headerBytesSeen = false; // some bytes of a further member's header arrived
  let offset = 0; // compressed bytes before `pending` / the current piece
  let memberStart = 0;
  let inflater: InflateRaw | null = null;
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  let crc = 0;
  let size = 0;

  /**
   * Feeds `piece` to the current member's inflater. Raw inflate consumes input until its deflate
   * data ends and no further, so when it took less than the whole piece, the member's data ended
   * inside it: returns the bytes after it (trailer and beyond). Null while the member goes on.
   */
  async function inflate(piece: Buffer): Promise<Buffer | null> {
    const z = inflater!;
    const before = z.bytesWritten;
    await new Promise<void>((resolve) => {
      // zlib's own reason for a failure arrives through 'error' (the callback then only says the
      // stream is being destroyed); a stream that went away must not leave us waiting.
      wake = resolve;
      z.write(piece, (error) => {
        if (!error) resolve();
      });
    });
    wake = undefined;
    if (failure) throw failure;
    const consumed = z.bytesWritten - before;
    if (consumed === piece.length) return null;
    // The deflate data ended: its last slices may still be on their way; 'end' comes after them.
    if (!ended) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
      if (failure) throw failure;
    }
    inflater = null;
    z.destroy();
    phase = 'trailer';
    offset += consumed;
    return piece.subarray(consumed);
  }

  function startMember(): void {
    memberStart = offset;
    const z = createInflateRaw({ chunkSize: OUTPUT_CHUNK });
    crc = 0;
    size = 0;
    // Flowing mode: each slice reaches the sink as zlib hands it over, so nothing decoded sits in
    // a stream buffer when an error destroys the stream.
    z.on('data', (chunk: Buffer) => {
      crc = crc32(chunk, crc);
      size = (size + chunk.length) >>> 0;
      events.output(chunk);
    });
    // A finished member's stream still closes later: only the current one may wake the driver.
    z.on('error', (error: Error) => {
      if (inflater !== z) return;
      failure ??= error;
      wake?.();
    });
    z.on('end', () => {
      if (inflater !== z) return;
      ended = true;
      wake?.();
    });
    z.on('close', () => {
      if (inflater === z) wake?.();
    });
    ended = false;
    inflater = z;
    phase = 'body';
  }

  /** Reads a header from pending bytes; false when more bytes are needed. */
  function readHeader(): boolean {
    const b = pending;
    headerBytesSeen = b.length > 0;
    if (b.length < 10) {
      if (b.length >= 1 && b[0] !== 0x1f) return garbage();
      if (b.length >= 2 && b[1] !== 0x8b) return garbage();
      return false;
    }
    if (b[0] !== 0x1f || b[1] !== 0x8b) return garbage();
    if (b[2] !== 8) throw new GzipError('corrupt gzip data: unknown compression method');
    const flags = b[3]!;
    if (flags & FRESERVED) throw new GzipError('corrupt gzip data: reserved flag bits set');
    let p = 10;
    if (flags & FEXTRA) {
      if (b.length < p + 2) return false;
      p += 2 + b.readUInt16LE(p);
    }
    for (const flag of [FNAME, FCOMMENT]) {
      if (!(flags & flag)) continue;
      const zero = b.indexOf(0, p);
      if (zero < 0) return false;
      p = zero + 1;
    }
    if (flags & FTEXT_FHCRC) p += 2;
    if (b.length < p) return false;
    offset += p;
    pending = b.subarray(p);
    startMember();
    return true;
  }

  /** Not a gzip member where one could start: an error for the first, trailing garbage after that. */
  function garbage(): boolean {
    if (members === 0) throw new GzipError('not gzip data: bad magic number');
    // Zero bytes are padding (tape blocks, preallocated files); anything else is worth a word.
    if (pending.some((byte) => byte !== 0)) {
      events.warn(`trailing garbage after the last gzip member was ignored (at compressed byte ${offset})`);
    }
    phase = 'garbage';
    pending = Buffer.alloc(0);
    return false;
  }

  function readTrailer(): boolean {
    if (pending.length < 8) return false;
    const expectedCrc = pending.readUInt32LE(0);
    const expectedSize = pending.readUInt32LE(4);
    if (expectedCrc !== crc >>> 0) throw new GzipError('corrupt gzip data: CRC-32 mismatch');
    if (expectedSize !== size) throw new GzipError('corrupt gzip data: length (ISIZE) mismatch');
    members++;
    offset += 8;
    pending = pending.subarray(8);
    phase = 'header';
    return true;
  }

  /** Handles the framing bytes in `pending` until it needs more input or a member body starts. */
  async function frame(): Promise<void> {
    for (;;) {
      if (phase === 'garbage') {
        pending = Buffer.alloc(0);
        return;
      }
      if (phase === 'header' && !readHeader()) return;
      if (phase === 'trailer' && !readTrailer()) return;
      if (phase === 'body') {
        if (pending.length === 0) return;
        const piece = pending;
        pending = Buffer.alloc(0);
        const rest = await inflate(piece);
        if (rest === null) {
          offset += piece.length;
          return;
        }
        pending = rest;
      }
    }
  }

  return {
    async write(piece: Buffer): Promise<void> {
      if (phase === 'garbage') return;
      pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
      await frame();
    },
    end(): void {
      // A member whose data or trailer never came, or a header cut short: a truncated archive,
      // reported at its end.
      offset += pending.length;
      pending = Buffer.alloc(0);
      if (phase === 'body' || phase === 'trailer') throw new GzipError('truncated gzip data');
      if (phase === 'header' && (members === 0 || headerBytesSeen)) throw new GzipError('truncated gzip data');
    },
    consumed: (): number => (phase === 'body' && inflater ? memberStart + inflater.bytesWritten : offset),
    describe(error: unknown, atEnd: boolean): string {
      if (error instanceof GzipError) return error.message;
      const code = (error as { code?: unknown } | null)?.code;
      const message = errorMessage(error);
      if (atEnd || code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return 'truncated gzip data';
      if (code === 'Z_DATA_ERROR') return `corrupt gzip data: ${message}`;
      return `gzip error: ${message}`;
    },
    destroy(): void {
      inflater?.destroy();
      inflater = null;
    },
  };
}
