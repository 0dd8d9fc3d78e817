import { closeSync, openSync, write as fsWrite } from 'node:fs';
import { EXIT_INPUT, UserError } from '../core/errors.js';
import { encodeText } from '../core/text.js';
import { describeFsError } from '../io/fs-errors.js';
import type { TextOut } from './buffered-out.js';

/** Thrown when the reader of our output went away (`logsift ... | head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosed';
  }
}

/**
 * Where results go: bytes in, with backpressure, and never a blocked event loop (the library
 * runs inside web servers). Writers format; sinks only carry bytes (ripgrep's printer/sink split).
 *
 * `write` queues and returns at once. The producer calls `ready()` once per batch: when more than
 * a high-water mark is queued it returns a promise that resolves once the queue drained, so a
 * slow consumer slows reading instead of growing memory. `end()` resolves when all is written.
 * A consumer that went away makes the next call throw OutputClosed; any other write failure is a
 * UserError ("cannot write output: no space left on device").
 */
export interface ByteSink extends TextOut {
  write(data: Buffer | string): void;
  ready(): Promise<void> | undefined;
  /** True while more than the high-water mark is queued (when `ready()` would ask to wait). */
  full(): boolean;
  end(): Promise<void>;
}

/** Bytes queued before producers are asked to wait. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Text is gathered into pieces of about this size before it becomes bytes. */
const TEXT_PIECE = 64 * 1024;

/** What sinks share: a queue of buffers, text gathered into pieces, and the failure once there is one. */
abstract class QueueSink implements ByteSink {
  protected queued = 0;
  protected failure: Error | null = null;
  private text = '';
  private waiters: (() => void)[] = [];

  write(data: Buffer | string): void {
    this.check();
    if (typeof data === 'string') {
      this.text += data;
      if (this.text.length >= TEXT_PIECE) this.flushText();
      return;
    }
    this.flushText();
    if (data.length > 0) this.push(data);
  }

  full(): boolean {
    return this.queued > HIGH_WATER;
  }

  ready(): Promise<void> | undefined {
    this.check();
    if (!this.full()) return undefined;
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => this.check());
  }

  async end(): Promise<void> {
    this.flushText();
    await this.drained();
    this.check();
  }

  /** Hands one buffer to the destination. */
  protected abstract push(data: Buffer): void;
  /** Resolves when everything pushed has been written (or failed). */
  protected abstract drained(): Promise<void>;

  /** Called by subclasses as bytes leave the queue, or on failure. */
  protected written(bytes: number): void {
    this.queued -= bytes;
    if (this.queued <= HIGH_WATER / 2 || this.failure) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }

  protected fail(error: unknown): void {
    const code = (error as NodeJS.ErrnoException | null)?.code;
    this.failure ??=
      code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET'
        ? new OutputClosed()
        : new UserError(`cannot write output: ${describeFsError(error)}`, EXIT_INPUT);
    this.written(0);
  }

  private flushText(): void {
    if (this.text.length === 0) return;
    const bytes = encodeText(this.text); // restores bytes that were not valid UTF-8 (core/text.ts)
    this.text = '';
    this.push(bytes);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}

/**
 * A sink over a file descriptor (the CLI's standard output): writes run on libuv's thread pool,
 * one at a time, in order. A pipe that another program left non-blocking answers EAGAIN when
 * full; that write is retried a millisecond later, on a timer, never by spinning.
 */
export class FdSink extends QueueSink {
  private readonly queue: Buffer[] = [];
  private writing = false;
  private idle: (() => void)[] = [];

  constructor(private readonly fd: number) {
    super();
  }

  protected push(data: Buffer): void {
    this.queued += data.length;
    this.queue.push(data);
    if (!this.writing) this.next();
  }

  protected drained(): Promise<void> {
    if (!this.writing || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private next(): void {
    const data = this.queue[0];
    if (data === undefined || this.failure) {
      this.writing = false;
      this.queue.length = 0;
      const idle = this.idle;
      this.idle = [];
      for (const wake of idle) wake();
      return;
    }
    this.writing = true;
    this.writeFrom(data, 0);
  }

  private writeFrom(data: Buffer, offset: number): void {
    fsWrite(this.fd, data, offset, data.length - offset, null, (error, bytes) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => this.writeFrom(data, offset), 1);
          return;
        }
        this.fail(error);
        this.next();
        return;
      }
      if (offset + bytes < data.length) {
        this.writeFrom(data, offset + bytes);
        return;
      }
      this.queue.shift();
      this.written(data.length);
      this.next();
    });
  }
}

/**
 * A sink over a file logsift writes (`--malformed FILE`, `-o FILE`), opened when the sink is
 * made, so a bad path fails before any reading. `end()` may be called many times
 * (follow mode ends each periodic result); `close()` ends it for good.
 */
export class FileSink extends FdSink {
  private constructor(
    private readonly descriptor: number,
    readonly path: string,
  ) {
    super(descriptor);
  }

  /** `append`: written after what the file holds (follow mode goes on where it stopped), else truncated. */
  static open(path: string, append = false): FileSink {
    try {
      return new FileSink(openSync(path, append ? 'a' : 'w'), path);
    } catch (error) {
      throw new UserError(`cannot write ${path}: ${describeFsError(error)}`, EXIT_INPUT);
    }
  }

  async close(): Promise<void> {
    try {
      await this.end();
    } finally {
      closeSync(this.descriptor);
    }
  }
}

/** A sink over a Node writable stream (an HTTP response, a file stream, a test's collector). */
export class StreamSink extends QueueSink {
  private pendingCallbacks = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error) => this.fail(error));
  }

  protected push(data: Buffer): void {
    this.queued += data.length;
    this.pendingCallbacks++;
    this.stream.write(data, (error) => {
      this.pendingCallbacks--;
      if (error) this.fail(error);
      this.written(data.length);
      if (this.pendingCallbacks === 0) {
        const idle = this.idle;
        this.idle = [];
        for (const wake of idle) wake();
      }
    });
  }

  protected drained(): Promise<void> {
    if (this.pendingCallbacks === 0 || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
