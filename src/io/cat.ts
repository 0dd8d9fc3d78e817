import { InputError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import type { RunContext } from '../core/run-context.js';
import { describeFsError } from './fs-errors.js';
import { openSource } from './open.js';

/** A source whose bytes can be read (lazily: nothing is opened until iterated). */
export interface OpenedSource {
  readonly source: Source;
  readonly chunks: AsyncIterable<Buffer>;
}

/** A piece of one source's decompressed bytes; `final` marks the end of that source. */
export interface Chunk {
  readonly source: Source;
  readonly data: Buffer;
  readonly final: boolean;
}

const EMPTY = Buffer.alloc(0);

/** Rewrites a source's decompressed bytes before they are split into lines (LogFormat.transform). */
export type BytesTransform = (source: Source, chunks: AsyncIterable<Buffer>) => AsyncIterable<Buffer>;

/**
 * find -> open: pairs each source with its (lazily opened, decompressed-by-content) bytes,
 * through `transform` when one is given (an xml: format's records as lines); its failures are
 * the source's, reported by cat like a corrupt archive.
 */
export function open(ctx: RunContext, transform?: BytesTransform) {
  return async function* openStage(sources: AsyncIterable<Source>): AsyncGenerator<OpenedSource> {
    for await (const source of sources) {
      const chunks = openSource(source, {
        chunkSize: ctx.chunkSize,
        reuseBuffers: ctx.options.reuseBuffers ?? false,
        onWarning: (message) => ctx.diagnostics.inputWarning(source.name, message),
      });
      yield { source, chunks: transform ? transform(source, chunks) : chunks };
    }
  };
}

/**
 * open -> cat: the sources' bytes one after the other, each closed by a `final` chunk so the line
 * splitter never glues the last line of one file to the first of the next. A failing input is
 * reported to the context and skipped; what it yielded before failing has already flowed on.
 */
export function cat(ctx: RunContext) {
  const stats = ctx.meters.stage('read');
  return async function* catStage(opened: AsyncIterable<OpenedSource>): AsyncGenerator<Chunk> {
    for await (const { source, chunks } of opened) {
      let consumed = 0;
      try {
        // The time spent waiting for each chunk is the reading (and decoding) this stage costs.
        let t0 = performance.now();
        for await (const data of chunks) {
          stats.add(0, 0, performance.now() - t0, data.length);
          consumed += data.length;
          ctx.options.onBytesRead?.(data.length);
          yield { source, data, final: false };
          t0 = performance.now();
        }
      } catch (error) {
        ctx.inputFailed(
          error instanceof InputError ? error : new InputError(source.name, describeFsError(error), consumed),
        );
      }
      yield { source, data: EMPTY, final: true };
    }
  };
}
