import { constants, createReadStream, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { InputError } from '../../core/errors.js';
import type { Source } from '../../core/source.js';
import { readStreamChunks } from '../read-chunks.js';
import type { LineAssembler } from './line-assembler.js';

/** Bytes a stream may queue before its reading waits for the follower (backpressure). */
const QUEUE_BYTES = 4 * 1024 * 1024;

/**
 * Standard input, or a FIFO / device given by path, followed as a stream: read on its own loop
 * into a bounded queue that the follower empties at each wake-up. Standard input is read to its
 * end; a FIFO is opened again when its writer closes it, and waited on for the next writer.
 */
export class StreamInput {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private room: (() => void) | null = null;
  private stopped = false;
  private current: NodeJS.ReadableStream | null = null;
  /** True once the stream has ended for good (standard input at its end, or a failure). */
  ended = false;

  constructor(
    readonly source: Source,
    readonly lines: LineAssembler,
    private readonly wake: () => void,
    private readonly onError: (error: InputError) => void,
    private readonly open: () => NodeJS.ReadableStream = source.path === null ? () => process.stdin : () => openStream(source.path!),
  ) {}

  /** Reads until the end (standard input) or until stopped (a FIFO, reopened after each writer). */
  async pump(): Promise<void> {
    try {
      do {
        this.current = this.open();
        for await (const chunk of readStreamChunks(this.source.name, this.current)) {
          this.queue.push(chunk);
          this.queued += chunk.length;
          this.wake();
          if (this.queued > QUEUE_BYTES) await new Promise<void>((resolve) => (this.room = resolve));
          if (this.stopped) return;
        }
        // A writer closed its end: what it left unfinished is its last line.
        this.queue.push(END_OF_WRITER);
        this.wake();
      } while (this.source.path !== null && !this.stopped);
    } catch (error) {
      if (!this.stopped) this.onError(error instanceof InputError ? error : new InputError(this.source.name, String(error)));
    } finally {
      this.ended = true;
      this.wake();
    }
  }

  /** Ended, and everything it read taken. */
  get finished(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /** The queued chunks, taken (END_OF_WRITER marks where a writer closed the stream). */
  take(): Buffer[] {
    const chunks = this.queue.splice(0);
    this.queued = 0;
    const room = this.room;
    this.room = null;
    room?.();
    return chunks;
  }

  stop(): void {
    this.stopped = true;
    this.room?.();
    // A read waiting for data would keep the process alive.
    (this.current as (NodeJS.ReadableStream & { destroy?: () => void }) | null)?.destroy?.();
  }
}

/**
 * A FIFO is opened non-blocking and read through the event loop, as a pipe: a blocking open
 * waits on the thread pool for a writer, cannot be called off, and keeps the process from
 * exiting (at exit Node joins the thread pool), so SIGTERM while no writer was connected used to
 * leave the follower hanging for good. Opened this way there is nothing to wait for: with no
 * writer yet, the pipe just has no data; once a writer has come and closed its end, the socket
 * ends and the FIFO is opened again. A device is read as a file stream (it has no writer to wait for).
 */
function openStream(path: string): NodeJS.ReadableStream {
  if (!statSync(path).isFIFO()) return createReadStream(path);
  return new Socket({ fd: openSync(path, constants.O_RDONLY | constants.O_NONBLOCK), readable: true, writable: false });
}

/** Marks, among a stream's chunks, that its writer closed it. */
export const END_OF_WRITER = Buffer.alloc(0);
