import { Decompress, ZstdErrorCode } from 'fzstd';
import { errorMessage, type Decoder, type DecoderEvents } from './decoder.js';

/**
 * zstd through fzstd's streaming Decompress (Node 20's zlib has no zstd). It is synchronous and
 * hands each decoded block (at most 128 KiB) to the sink as a fresh array, which is wrapped, not
 * copied. Concatenated frames and skippable frames are read; checksums are not verified.
 */
export function createZstdDecoder(events: DecoderEvents): Decoder {
  const decompressor = new Decompress((data) => {
    if (data.length > 0) events.output(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  return {
    write(piece) {
      decompressor.push(piece);
    },
    end() {
      decompressor.push(new Uint8Array(0), true);
    },
    consumed: () => undefined,
    describe(error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === ZstdErrorCode.UnexpectedEOF) return 'truncated zstd data';
      return `corrupt zstd data: ${errorMessage(error)}`;
    },
    destroy() {
      // Nothing to free: fzstd holds no handles, and the driver drops its reference.
    },
  };
}
