import type { LineBatch } from '../core/batch.js';
import type { LogFormat } from '../core/format.js';
import type { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { parse } from '../stages/parse.js';
import { broadcast, tee } from '../stages/push.js';
import type { Branch } from './branch.js';

export interface SharedReadOptions {
  /** A forced format; else detected per source by the shared parse stage. */
  readonly forced?: LogFormat | undefined;
  /** Formats detected up front (follow mode's files). */
  readonly formatFor?: (source: Source) => LogFormat | undefined;
  /** Called after each batch was taken by every output (follow mode flushes and checkpoints here). */
  readonly afterBatch?: () => void;
}

/**
 * One read and one parse feeding several queries (`-e Q1 -e Q2 ...`): the lines go first to the
 * outputs that read no field (a fork of each batch, before parsing drops the lines that do not
 * match), then through one parse stage that stores the union of the fields the others read, and
 * a fork of each parsed batch to each of them in turn. A batch is pushed to the next output only
 * when the previous one is done with it, and the next batch is parsed only when all are: the
 * parser's per-batch state is reused from one batch to the next, so no output may keep a batch.
 * Reading stops early once every output is closed (their heads are satisfied). Returns when all
 * outputs have taken all input; a failed output ends the read with its error.
 */
export async function runSharedRead(ctx: RunContext, branches: readonly Branch[], lines: AsyncIterable<LineBatch>, options: SharedReadOptions = {}): Promise<void> {
  const raw = branches.filter((b) => b.raw);
  const parsed = branches.filter((b) => !b.raw);
  for (const b of branches) b.start(options.formatFor);
  let stream = lines;
  if (raw.length > 0) stream = tee(broadcast(...raw.map((b) => b.target)))(stream);
  if (parsed.length > 0) {
    stream = parse(ctx, {
      ...(options.forced ? { format: options.forced } : {}),
      ...(options.formatFor ? { formatFor: options.formatFor } : {}),
      needed: unionOfNeeded(parsed),
    })(stream);
  }
  const toParsed = parsed.length > 0 ? broadcast(...parsed.map((b) => b.target)) : null;
  try {
    for await (const batch of stream) {
      if (toParsed) await toParsed.push(batch);
      throwFirstFailure(branches);
      options.afterBatch?.();
      if (branches.every((b) => b.closed)) break;
    }
  } finally {
    // Every output sees the end (even after a failure, so none waits for a batch forever).
    await Promise.allSettled(branches.map((b) => b.target.end()));
  }
  throwFirstFailure(branches);
}

function throwFirstFailure(branches: readonly Branch[]): void {
  for (const b of branches) if (b.failed) throw b.failed.error;
}

/** The fields any output reads; null when one of them needs every field (whole records). */
function unionOfNeeded(branches: readonly Branch[]): Set<string> | null {
  const all = new Set<string>();
  for (const b of branches) {
    const needed = b.needed();
    if (needed === null) return null;
    for (const f of needed) all.add(f);
  }
  return all;
}
