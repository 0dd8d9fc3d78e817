/**
 * One decompressor behind a common push-style face. Output goes to the events given at creation. Calls are strictly sequential: the driver awaits each.
 */
export interface Decoder {
  /** Decodes one piece of compressed input; rejects (or throws) with the library's own error. */
  write(piece: Buffer): Promise<void> | void;
  /** No more input: flushes, and rejects (or throws) if the data ended early. */
  end(): Promise<void> | void;
  /** Compressed bytes the engine has consumed, when the library tells; else undefined. */
  consumed(): number | undefined;
  /** A one-line reason for an error from write or end (`atEnd` when it came from end). */
  describe(error: unknown, atEnd: boolean): string;
  /** Frees the decompressor; safe to call at any point, more than once. */
  destroy(): void;
}

/** Where a decoder's results go. */
export interface DecoderEvents {
  /** A decoded chunk, a fresh Buffer the consumer may keep. */
  output(chunk: Buffer): void;
  /** Something odd that did not stop decoding (trailing garbage), for the run's summary. */
  warn(message: string): void;
}

export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0]!;
}
