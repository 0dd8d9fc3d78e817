import { createGunzip } from 'node:zlib';
import { errorMessage, type Decoder, type Sink } from './decoder.js';

/** zlib's output slice size: larger than its 16 KiB default, so fewer chunks flow downstream. */
const OUTPUT_CHUNK = 64 * 1024;

/**
 * gzip through node:zlib, which also reads concatenated members (rotated logs that were `cat`-ed).
 * The stream stays in flowing mode with a 'data' listener so each decoded slice reaches the sink as
 * soon as zlib hands it over: when zlib fails it destroys the stream, and anything left in a paused
 * stream's buffer would be lost. Backpressure comes from the driver, which writes one piece at a
 * time and waits for zlib to finish it.
 *
 * Known limit: Node's binding discards the output of the one inflate call that fails (at most
 * OUTPUT_CHUNK bytes, decoded just before the bad bytes). Truncated input loses nothing (the
 * failing call is the final flush, which has no input left).
 */
export function createGzipDecoder(sink: Sink): Decoder {
  const gunzip = createGunzip({ chunkSize: OUTPUT_CHUNK });
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  gunzip.on('data', sink);
  gunzip.on('error', (error) => {
    failure ??= error;
    wake?.();
  });
  gunzip.on('end', () => {
    ended = true;
    wake?.();
  });
  // Never leave the driver waiting on a stream that went away.
  gunzip.on('close', () => wake?.());

  /** Runs `action` and resolves on its callback, on an error, or when the stream ends or closes. */
  function settle(action: (callback: (error?: Error | null) => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      wake = resolve;
      action((error) => {
        // A callback error only means the stream is being destroyed; zlib's own reason arrives
        // through 'error' (or the stream closes), which wakes us with it.
        if (!error) resolve();
      });
    }).finally(() => {
      wake = undefined;
    });
  }

  return {
    async write(piece) {
      if (failure === undefined && !ended) await settle((callback) => gunzip.write(piece, callback));
      if (failure !== undefined) throw failure;
    },
    async end() {
      // Waits for 'end' (every byte delivered), not for the end() callback ('finish').
      if (failure === undefined && !ended) await settle(() => gunzip.end());
      if (failure !== undefined) throw failure;
    },
    consumed: () => gunzip.bytesWritten,
    describe(error) {
      const code = (error as { code?: unknown } | null)?.code;
      const message = errorMessage(error);
      if (code === 'Z_BUF_ERROR' || message === 'unexpected end of file') return 'truncated gzip data';
      if (code === 'Z_DATA_ERROR') return `corrupt gzip data: ${message}`;
      return `gzip error: ${message}`;
    },
    destroy() {
      gunzip.destroy();
    },
  };
}
