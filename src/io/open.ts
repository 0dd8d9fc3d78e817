import { open as openFile, type FileHandle } from 'node:fs/promises';
import type { Source } from '../core/source.js';
import { decompress } from './decompress.js';
import { readFileChunks, readStreamChunks, type BufferReuse } from './read-chunks.js';
import { readRangeChunks } from './read-range.js';
import { detectCompression, MAGIC_LENGTH, type Compression } from './sniff.js';

export interface OpenOptions {
  /** bytes per read for plain files, default 1 MiB */
  chunkSize?: number;
  /** The stream read for standard input (STDIN_SOURCE), default process.stdin; for tests. */
  stdin?: NodeJS.ReadableStream;
  /** Let plain-file reads recycle chunk buffers (see readFileChunks): only for consumers that never keep a chunk past the next one. */
  reuseBuffers?: boolean;
  /** Told of oddities that do not stop reading (trailing garbage after a gzip archive). */
  onWarning?: (message: string) => void;
}

const DEFAULT_CHUNK_SIZE = 1024 * 1024;

/**
 * The source's bytes, decompressed by content, as chunks. Throws InputError (with byte offset where
 * known) on a missing/unreadable file or corrupt/truncated archive. Stopping iteration early
 * (break / return()) closes the file and destroys any decompressor.
 *
 * Nothing is opened until iteration starts. gzip, bzip2 and zstd are recognised by their magic
 * bytes, never by file name; anything else is passed through as read.
 */
export function openSource(source: Source, options: OpenOptions = {}): AsyncIterable<Buffer> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
  }
  // Off until the content is known to be plain and the head is one chunk (see readDecompressed).
  const reuse: BufferReuse = { enabled: false };
  const read = (): AsyncGenerator<Buffer> =>
    source.path === null
      ? readStreamChunks(source.name, options.stdin ?? process.stdin)
      : readFileChunks(source.name, source.path, chunkSize, reuse);
  // A byte range is a worker's share of a plain file (planned so): its lines, as they are.
  if (source.range && source.path !== null) {
    const [start, end] = source.range;
    const path = source.path;
    return {
      [Symbol.asyncIterator]: () => {
        if (options.reuseBuffers) reuse.enabled = true;
        return readRangeChunks(source.name, path, start, end, chunkSize, reuse);
      },
    };
  }
  return {
    [Symbol.asyncIterator]: () =>
      readDecompressed(source.name, read(), options.reuseBuffers ? reuse : null, options.onWarning ?? (() => {})),
  };
}

/** The compression of a file, from its first bytes, or null for plain text (or when it cannot be read). */
export async function sniffSource(source: Source): Promise<Compression | null> {
  if (source.path === null) return null;
  let handle: FileHandle | null = null;
  try {
    handle = await openFile(source.path, 'r');
    const head = Buffer.alloc(MAGIC_LENGTH);
    const { bytesRead } = await handle.read(head, 0, MAGIC_LENGTH, 0);
    return detectCompression(head.subarray(0, bytesRead));
  } catch {
    return null; // the pass that reads it reports why it cannot be read
  } finally {
    await handle?.close();
  }
}

async function* readDecompressed(
  name: string,
  raw: AsyncGenerator<Buffer>,
  reuse: BufferReuse | null,
  warn: (message: string) => void,
): AsyncGenerator<Buffer> {
  try {
    const head = await readHead(raw);
    const compression = detectCompression(Buffer.concat(head.chunks, Math.min(head.length, MAGIC_LENGTH)));
    if (compression === null) {
      // Plain bytes go straight to the consumer, which may then let the reader recycle buffers.
      // Decoders keep references to their input pieces, and a head of several chunks is held
      // here, so neither case ever recycles.
      if (reuse && head.chunks.length === 1) reuse.enabled = true;
      // Plain: the chunks as read; the head is normally the first whole chunk of a file.
      yield* head.chunks;
      if (!head.ended) yield* raw;
    } else {
      yield* decompress(name, compression, prepend(head.chunks, head.ended ? null : raw), warn);
    }
  } finally {
    await raw.return(undefined);
  }
}

interface Head {
  readonly chunks: Buffer[];
  readonly length: number;
  readonly ended: boolean;
}

/** Reads chunks until there are enough bytes to recognise a format, or the input ends. */
async function readHead(raw: AsyncIterator<Buffer>): Promise<Head> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < MAGIC_LENGTH) {
    const next = await raw.next();
    if (next.done) return { chunks, length, ended: true };
    chunks.push(next.value);
    length += next.value.length;
  }
  return { chunks, length, ended: false };
}

async function* prepend(head: readonly Buffer[], rest: AsyncGenerator<Buffer> | null): AsyncGenerator<Buffer> {
  yield* head;
  if (rest !== null) yield* rest;
}
