import { InputError } from '../core/errors.js';
import { createBzip2Decoder } from './bzip2-decoder.js';
import type { Decoder, DecoderEvents } from './decoder.js';
import { createGzipDecoder } from './gzip-decoder.js';
import type { Compression } from './sniff.js';
import { createZstdDecoder } from './zstd-decoder.js';

export type { Compression } from './sniff.js';

/**
 * Compressed input is fed to a decoder in pieces of at most this size, and what a piece decodes to
 * is handed on before the next piece is read. That bounds the output held at once to a piece times
 * the compression ratio (about 1 MiB for typical logs).
 */
const PIECE_SIZE = 64 * 1024;

const DECODERS: Readonly<Record<Compression, (events: DecoderEvents) => Decoder>> = {
  gzip: createGzipDecoder,
  bzip2: createBzip2Decoder,
  zstd: createZstdDecoder,
};

/**
 * Decompresses `compressed` chunk by chunk. Pull-based: nothing more is read until the consumer
 * has taken what was decoded so far. On corrupt or truncated data, what was decoded before the
 * error is yielded first (for corrupt gzip, less zlib's failing call: see gzip-decoder), then an
 * InputError names `name` and the compressed byte offset reached (as
 * counted by the decompressor when it says, else the compressed bytes read so far). Errors thrown
 * by `compressed` itself pass through unchanged. Stopping early destroys the decoder and returns
 * `compressed` (closing its file).
 */
export async function* decompress(
  name: string,
  compression: Compression,
  compressed: AsyncIterable<Buffer>,
  warn: (message: string) => void = () => {},
): AsyncGenerator<Buffer> {
  const decoded: Buffer[] = [];
  const decoder = DECODERS[compression]({ output: (chunk) => decoded.push(chunk), warn });
  let fed = 0;

  /** Runs one decoder step; on failure returns the InputError to throw once `decoded` is drained. */
  async function step(run: () => Promise<void> | void, atEnd: boolean): Promise<InputError | undefined> {
    try {
      await run();
      return undefined;
    } catch (error) {
      return new InputError(name, decoder.describe(error, atEnd), decoder.consumed() ?? fed, true);
    }
  }

  try {
    for await (const chunk of compressed) {
      for (let start = 0; start < chunk.length; start += PIECE_SIZE) {
        const piece = chunk.subarray(start, start + PIECE_SIZE);
        fed += piece.length;
        const failure = await step(() => decoder.write(piece), false);
        yield* drain(decoded);
        if (failure) throw failure;
      }
    }
    const failure = await step(() => decoder.end(), true);
    yield* drain(decoded);
    if (failure) throw failure;
  } finally {
    decoder.destroy();
  }
}

/** Yields, then forgets, every chunk in `queue`, including any the decoder adds meanwhile. */
function* drain(queue: Buffer[]): Generator<Buffer> {
  for (let index = 0; index < queue.length; index++) yield queue[index]!;
  queue.length = 0;
}
