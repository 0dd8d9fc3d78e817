import { Diagnostics } from './diagnostics.js';
import type { InputError } from './errors.js';
import { Meters } from './meters.js';

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

export interface RunOptions {
  /** Lines longer than this many bytes are cut to it, counted and reported. */
  maxLineLength?: number;
  /** Bytes per read for plain files. */
  chunkSize?: number;
  /**
   * Recycle read buffers: a batch (and its bytes) is then valid only until the next batch is
   * pulled. The CLI's pipeline never keeps one; library users who collect batches must not set it.
   */
  reuseBuffers?: boolean;
  /** Stop at the first malformed line instead of counting it. */
  strict?: boolean;
  /** Told at once when an input fails (the CLI prints it); the run goes on with the next input. */
  onInputError?: (error: InputError) => void;
  /** Told after each chunk is read: bytes of the source consumed so far (for progress bars). */
  onBytesRead?: (bytes: number) => void;
}

/**
 * State shared by the stages of one run: what went wrong with the data, the stage meters and
 * the options. Stages take it explicitly so that two runs in one process never share counters.
 */
export class RunContext {
  /** What went wrong with the data of the current part (see beginPart). */
  diagnostics = new Diagnostics();
  /** Per-stage counters and peak heap, for --profile and observers (see meters.ts). */
  readonly meters = new Meters();
  /** Lines read per source name (the line splitter counts them). */
  readonly linesRead = new Map<string, number>();
  readonly maxLineLength: number;
  readonly chunkSize: number;
  readonly strict: boolean;

  constructor(readonly options: RunOptions = {}) {
    this.maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    this.strict = options.strict ?? false;
  }

  /** Starts a new part of the input (a worker's next byte range): diagnostics and line counts start afresh. */
  beginPart(): void {
    this.diagnostics = new Diagnostics();
    this.linesRead.clear();
  }

  inputFailed(error: InputError): void {
    this.diagnostics.inputFailed(error);
    this.options.onInputError?.(error);
  }
}
