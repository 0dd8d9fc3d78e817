import type { LineBatch } from '../core/batch.js';
import type { RunContext } from '../core/run-context.js';
import { FollowSource } from '../io/follow/follow-source.js';

export interface FollowStageOptions {
  /** Where files that exist at start are read from: 'end' (the default, like `tail -f`) or 'start'. */
  readonly from?: 'start' | 'end';
  /** Aborting it ends the stream (after the lines already read are yielded). */
  readonly signal?: AbortSignal;
  /** The safety-net poll besides watch events (ms, default 500). */
  readonly pollMs?: number;
  /** How long a renamed or deleted file must stay idle before it is closed (ms, default 1000). */
  readonly rotateWaitMs?: number;
}

/**
 * The library's `tail -F`: line batches of files as they grow, across rotation (rename + create
 * and copytruncate), with files, directories and globs picked up as they appear; the same
 * batches `lines()` yields, so `parse`, `filter` and the rest run on them unchanged, pulled
 * (`pipe(follow(ctx, ['app.log']), parse(ctx), ...)`) or pushed (`drain(..., broadcast(...))`).
 * It ends when `signal` aborts (or at the end of standard input, `-`, when that is all it reads).
 * Failures of single files are reported to the context, and following goes on.
 */
export function follow(ctx: RunContext, paths: readonly string[], options: FollowStageOptions = {}): AsyncIterable<LineBatch> {
  return {
    [Symbol.asyncIterator]() {
      const source = new FollowSource(paths, {
        from: options.from ?? 'end',
        ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
        ...(options.rotateWaitMs !== undefined ? { rotateWaitMs: options.rotateWaitMs } : {}),
        maxLineLength: ctx.maxLineLength,
        chunkSize: ctx.chunkSize,
        reuseBuffers: ctx.options.reuseBuffers ?? false,
        onError: (error) => ctx.inputFailed(error),
        onLongLine: (name, line, limit) => ctx.diagnostics.lineTooLong(name, line, limit),
      });
      const stop = (): void => source.stop();
      if (options.signal?.aborted) stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      const batches = source.batches()[Symbol.asyncIterator]();
      return {
        next: () => batches.next(),
        return: async () => {
          options.signal?.removeEventListener('abort', stop);
          source.stop();
          return (await batches.return?.(undefined)) ?? { value: undefined, done: true };
        },
      };
    },
  };
}
