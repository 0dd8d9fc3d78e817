import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { describeFsError } from './fs-errors.js';

/**
 * Whether a reader may recycle the buffers it yielded. A mutable switch, because the decision is
 * taken after reading has begun: only once the content is known to be plain text (compressed
 * input goes through decoders that keep references to the pieces they were given).
 */
export interface BufferReuse {
  enabled: boolean;
}

/**
 * A file's bytes in chunks of up to `chunkSize`, yielded as the filled part of the buffer read
 * into. This is the hot path for big plain files: no streams, no copies beyond the read itself,
 * and one read always in flight ahead of the consumer. Reads at the current position, so FIFOs
 * and devices work too. The file is closed when iteration ends, however it ends.
 *
 * While `reuse.enabled`, a chunk's buffer is recycled as soon as the consumer asks for the next
 * chunk (the next read may go into it), so the consumer must be done with a chunk by then: the
 * CLI's strictly sequential pipeline is. Otherwise every chunk is a fresh Buffer that may be kept.
 * Reuse keeps peak RSS flat: fresh 1 MiB buffers live outside V8's heap and pile up between the
 * rare garbage collections of a pipeline that allocates little on the heap.
 */
export async function* readFileChunks(
  name: string,
  path: string,
  chunkSize: number,
  reuse: BufferReuse = { enabled: false },
): AsyncGenerator<Buffer> {
  const handle = await openForReading(name, path);
  try {
    yield* readAhead(handle, name, chunkSize, reuse);
  } finally {
    await handle.close(); // after readAhead's own finally: no read is in flight any more
  }
}

/** Opens `path` for reading; failure is an InputError naming `name`. */
export async function openForReading(name: string, path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
}

/**
 * The read loop of readFileChunks, shared with the range reader (read-range.ts): the bytes of an
 * open file in chunks of up to `chunkSize`, one read always in flight ahead of the consumer, with
 * buffer reuse as described there. Reads from file offset `from`, or at the current position when
 * `from` is null (FIFOs, devices; that position then counts as offset 0), and never at or past
 * offset `to`, so a bounded read costs no disk work beyond it. A read error is an InputError with
 * the offset of the failed read. The caller owns the handle and closes it once this generator has
 * finished: however iteration ends, it first waits for the read in flight.
 */
export async function* readAhead(
  handle: FileHandle,
  name: string,
  chunkSize: number,
  reuse: BufferReuse,
  from: number | null = null,
  to = Infinity,
): AsyncGenerator<Buffer> {
  let offset = from ?? 0;
  // Read-ahead: the next read runs on libuv's thread pool while the consumer works on this chunk,
  // so a CPU-bound pipeline never waits for the disk (or the page cache) between chunks.
  const spare: Buffer[] = [];
  const startRead = (): { buffer: Buffer; done: Promise<number> } | null => {
    const length = Math.min(chunkSize, to - offset);
    if (length <= 0) return null; // reached `to`: nothing more is wanted
    const buffer = spare.pop() ?? (reuse.enabled ? takeFree(chunkSize) : undefined) ?? Buffer.allocUnsafe(chunkSize);
    const done = handle.read(buffer, 0, length, from === null ? null : offset).then((r) => r.bytesRead);
    done.catch(() => {}); // handled when awaited below; never an unhandled rejection meanwhile
    return { buffer, done };
  };
  let next = startRead();
  try {
    while (next !== null) {
      const { buffer, done } = next;
      let bytesRead: number;
      try {
        bytesRead = await done;
      } catch (error) {
        throw new InputError(name, describeFsError(error), offset > 0 ? offset : undefined);
      }
      if (bytesRead === 0) return;
      offset += bytesRead;
      next = startRead();
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
      if (reuse.enabled) spare.push(buffer); // the consumer is done with it: it asked for more
    }
  } finally {
    await next?.done.catch(() => 0); // never let the caller close under a read in flight
    // Buffers nobody holds go back to the thread's pool: the next file (a worker's next byte
    // range) reads into them instead of piling up fresh ones outside the heap until a GC.
    if (reuse.enabled) {
      for (const buffer of spare) giveFree(buffer);
      if (next) giveFree(next.buffer);
    }
  }
}

/** Free read buffers of this thread, kept between files while buffers are recycled. */
const freeBuffers: Buffer[] = [];
const FREE_BUFFERS_KEPT = 4;

function takeFree(size: number): Buffer | undefined {
  const i = freeBuffers.findIndex((b) => b.length === size);
  return i < 0 ? undefined : freeBuffers.splice(i, 1)[0];
}

function giveFree(buffer: Buffer): void {
  if (freeBuffers.length < FREE_BUFFERS_KEPT) freeBuffers.push(buffer);
}

/** A byte stream (standard input) as Buffers; a stream error becomes an InputError naming `name`. */
export async function* readStreamChunks(name: string, stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  let offset = 0;
  const chunks = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<string | Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new InputError(name, describeFsError(error), offset > 0 ? offset : undefined);
      }
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      offset += chunk.length;
      if (chunk.length > 0) yield chunk;
    }
  } finally {
    // Ends the stream's iterator, which destroys the stream: nothing else will read it.
    await chunks.return?.();
  }
}
