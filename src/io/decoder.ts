import type { OffsetKind } from '../core/errors.js';

/**
 * A decompressor: compressed chunks in, decoded chunks out, pulled. Every decoder is driven by
 * its consumer, so nothing is decoded faster than it is used: memory stays bounded whatever the
 * compression ratio. Chunks yielded are fresh Buffers the consumer may keep. On corrupt or
 * truncated data a decoder yields what it decoded before the problem, then throws DecodeError;
 * errors of `compressed` itself pass through. Stopping early frees the decoder and returns
 * `compressed` (closing its file).
 */
export type Decoder = (compressed: AsyncIterable<Buffer>, warn: (message: string) => void) => AsyncGenerator<Buffer>;

/** Why decoding failed, and where when known; the caller adds the file's name. */
export class DecodeError extends Error {
  constructor(
    readonly reason: string,
    readonly offset?: number,
    readonly offsetKind: OffsetKind = 'compressed',
  ) {
    super(reason);
    this.name = 'DecodeError';
  }
}

export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!;
}
