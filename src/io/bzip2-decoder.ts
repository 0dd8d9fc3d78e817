import unbzip2Stream from 'unbzip2-stream';
import { errorMessage, type Decoder, type DecoderEvents } from './decoder.js';

/**
 * bzip2 through unbzip2-stream, which also reads concatenated streams. Its stream is synchronous:
 * `write` decodes every block it holds in full and emits 'data' and 'error' before it returns.
 * It decodes a block only once it holds enough input for the largest possible block (about
 * 925 kB), so its memory is bounded, and an error may surface a block after the bad bytes.
 */
export function createBzip2Decoder(events: DecoderEvents): Decoder {
  const stream = unbzip2Stream();
  let failure: unknown;
  stream.on('data', (chunk: Buffer) => events.output(chunk));
  stream.on('error', (error: unknown) => {
    failure ??= error;
  });
  const check = (): void => {
    if (failure !== undefined) throw failure;
  };
  return {
    write(piece) {
      stream.write(piece);
      check();
    },
    end() {
      stream.end();
      check();
    },
    // The library keeps its read position private.
    consumed: () => undefined,
    describe(error, atEnd) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'Bzip2Error') {
        // Its other messages are jokes ("moo i'm a cow"): say only what is known.
        return /crc/i.test(errorMessage(error)) ? 'corrupt bzip2 data: checksum mismatch' : 'corrupt bzip2 data';
      }
      // Running out of input mid-block shows up as a TypeError from its bit reader, at the end.
      return atEnd ? 'truncated bzip2 data' : 'corrupt bzip2 data';
    },
    destroy() {
      stream.destroy();
    },
  };
}
