import { open, type FileHandle } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { describeFsError } from './fs-errors.js';

/**
 * A file's bytes in chunks of up to `chunkSize`, read through a FileHandle into a fresh Buffer each
 * time (consumers keep references to chunks, so none is reused) and yielded as the filled part only.
 * This is the hot path for big plain files: no streams, no copies beyond the read itself. Reads at
 * the current position, so FIFOs and devices work too. The file is closed when iteration ends,
 * however it ends.
 */
export async function* readFileChunks(name: string, path: string, chunkSize: number): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new InputError(name, describeFsError(error));
  }
  let offset = 0;
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkSize);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, chunkSize, null));
      } catch (error) {
        throw new InputError(name, describeFsError(error), offset > 0 ? offset : undefined);
      }
      if (bytesRead === 0) return;
      offset += bytesRead;
      yield bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
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
