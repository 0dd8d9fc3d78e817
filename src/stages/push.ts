import { LineBatch } from '../core/batch.js';
import type { Stage } from './pipe.js';

/**
 * Push-style use of the same stages (the generator tutorial's coroutines): a producer pushes
 * items into a target instead of a consumer pulling them, so one read can feed several pipelines
 * (`broadcast`). Pull and push meet in `into`: a pull stage driven by pushes.
 *
 * The contract of `push(item)`: it resolves once the target is done with `item` and ready for
 * the next one. A batch whose read buffer is recycled after the next read is therefore safe to
 * push, a slow consumer slows the producer (backpressure, nothing piles up), and after the last
 * push resolved every output derived from the items pushed so far has been handed on.
 */
export interface PushTarget<T> {
  push(item: T): Promise<void>;
  /** No more items: resolves once the target has finished (its last output handed on). */
  end(): Promise<void>;
  /** True once the target wants nothing more (a `take` downstream is satisfied, or it failed). */
  readonly closed: boolean;
}

/**
 * A one-item channel: an async iterable whose items are pushed. `push` resolves when the reader
 * asks for the next item (so it has finished with this one) or stops reading.
 */
export class Channel<T> implements AsyncIterable<T> {
  private pending: { readonly item: T } | null = null;
  private reader: ((result: IteratorResult<T>) => void) | null = null;
  private pushed: (() => void) | null = null;
  private ended = false;
  private stopped = false;

  get closed(): boolean {
    return this.stopped;
  }

  push(item: T): Promise<void> {
    if (this.stopped || this.ended) return Promise.resolve();
    if (this.pushed) throw new Error('Channel.push: the previous push has not resolved yet');
    return new Promise<void>((resolve) => {
      this.pushed = resolve;
      const reader = this.reader;
      if (reader) {
        this.reader = null;
        reader({ value: item, done: false });
      } else this.pending = { item };
    });
  }

  /** No more items: a waiting reader sees the end. */
  end(): void {
    this.ended = true;
    if (this.pending === null) this.finishReader();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** The reader gave up (returned early or failed): pushes resolve at once from now on. */
  stop(): void {
    this.stopped = true;
    this.pending = null;
    this.release();
    this.finishReader();
  }

  private next(): Promise<IteratorResult<T>> {
    this.release(); // asking for the next item means the previous one is done with
    const pending = this.pending;
    if (pending) {
      this.pending = null;
      return Promise.resolve({ value: pending.item, done: false });
    }
    if (this.ended || this.stopped) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.reader = resolve));
  }

  private release(): void {
    const pushed = this.pushed;
    this.pushed = null;
    pushed?.();
  }

  private finishReader(): void {
    const reader = this.reader;
    this.reader = null;
    reader?.({ value: undefined, done: true });
  }
}

/**
 * A pull stage (or a chain of them, composed with `pipe`) as a push target: every pushed item
 * goes through `stage`, and each item it yields is handed to `consume` (awaited when it returns
 * a promise). `end()` resolves when the last output was consumed, and rejects with the stage's
 * or the consumer's failure; after a failure, pushes resolve at once and `closed` is true.
 */
export function into<I, O>(stage: Stage<I, O>, consume: (item: O) => void | Promise<void>): PushTarget<I> {
  const channel = new Channel<I>();
  let failure: { readonly error: unknown } | null = null;
  const done = (async () => {
    try {
      for await (const out of stage(channel)) {
        const wait = consume(out);
        if (wait) await wait;
      }
    } catch (error) {
      failure = { error };
    } finally {
      channel.stop();
    }
  })();
  return {
    push: (item) => channel.push(item),
    get closed() {
      return channel.closed;
    },
    async end() {
      channel.end();
      await done;
      if (failure) throw failure.error;
    },
  };
}

/**
 * One producer, several targets: each item is pushed to every open target in turn, and the push
 * resolves when all are done with it. A `LineBatch` is forked for each target, so each filters
 * its own selection over the same bytes and parsed fields. Closed once every target is.
 */
export function broadcast<T>(...targets: PushTarget<T>[]): PushTarget<T> {
  return {
    async push(item) {
      for (const target of targets) {
        if (target.closed) continue;
        await target.push(item instanceof LineBatch ? (item.fork() as T) : item);
      }
    },
    get closed() {
      return targets.every((t) => t.closed);
    },
    async end() {
      const results = await Promise.allSettled(targets.map((t) => t.end()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Pulls `source` and pushes every item into `target`, then ends it: the bridge from a pull
 * pipeline (`pipe(follow(...), parse(ctx))`) to push targets. Stops pulling (closing the files
 * being read) once the target is closed.
 */
export async function drain<T>(source: AsyncIterable<T>, target: PushTarget<T>): Promise<void> {
  try {
    for await (const item of source) {
      await target.push(item);
      if (target.closed) break;
    }
  } finally {
    await target.end();
  }
}

/**
 * A stage that pushes a fork of every batch into `target` and passes the batch on unchanged:
 * consumers that need the lines before a later stage changes them (the raw outputs of a fan-out,
 * before parse drops the lines that do not match their format).
 */
export function tee(target: PushTarget<LineBatch>): Stage<LineBatch, LineBatch> {
  return async function* teeStage(batches) {
    for await (const b of batches) {
      if (!target.closed) await target.push(b.fork());
      yield b;
    }
  };
}
