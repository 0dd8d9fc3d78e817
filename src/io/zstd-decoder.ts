import { createRequire } from 'node:module';
import { DecodeError, errorMessage, type Decoder } from './decoder.js';

/** What the native zstd binding offers (zstd-napi's low-level `binding`). */
interface ZstdBinding {
  DCtx: new () => {
    setParameter(parameter: number, value: number): void;
    /** Returns [hint (0 when a frame just ended and is flushed), bytes produced, bytes consumed]. */
    decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
  };
  DParameter: { windowLogMax: number };
  dStreamOutSize(): number;
}

let binding: ZstdBinding | null | undefined;

/** zstd-napi (an optional dependency compiled at install), or null when it is not there. */
export function zstdBinding(): ZstdBinding | null {
  if (binding === undefined) {
    try {
      binding = createRequire(import.meta.url)('zstd-napi/binding') as ZstdBinding;
    } catch {
      binding = null;
    }
  }
  return binding;
}

/** zstd's largest window (`--long=31`): any valid archive decodes. */
const WINDOW_LOG_MAX = 31;

/**
 * zstd in-process, for machines without the `zstd` command: libzstd through zstd-napi, driven by
 * its consumer one output buffer (128 KiB) at a time, so memory stays bounded whatever the ratio.
 * libzstd verifies content checksums and reads concatenated and skippable frames. Errors name the
 * compressed offset reached.
 */
export const zstdLibraryDecoder: Decoder = async function* decodeZstd(compressed) {
  const zstd = zstdBinding();
  if (!zstd) throw new DecodeError('reading zstd needs the zstd command or the zstd-napi package');
  const dctx = new zstd.DCtx();
  dctx.setParameter(zstd.DParameter.windowLogMax, WINDOW_LOG_MAX);
  const outSize = zstd.dStreamOutSize();
  let inFrame = false;
  let offset = 0;
  for await (const chunk of compressed) {
    let src = chunk;
    for (;;) {
      const dst = Buffer.allocUnsafe(outSize);
      let result: [number, number, number];
      try {
        result = dctx.decompressStream(dst, src);
      } catch (error) {
        throw new DecodeError(`corrupt zstd data: ${lowerFirst(errorMessage(error))}`, offset);
      }
      const [hint, produced, consumed] = result;
      offset += consumed;
      src = src.subarray(consumed);
      if (produced > 0) yield dst.subarray(0, produced);
      inFrame = hint !== 0;
      // Input used up, and the decoder has nothing more to flush for it.
      if (src.length === 0 && (produced < outSize || hint === 0)) break;
    }
  }
  if (inFrame) throw new DecodeError('truncated zstd data', offset);
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
