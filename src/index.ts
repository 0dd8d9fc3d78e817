/**
 * logsift as a library: streaming stages that compose like a generator pipeline.
 *
 * ```ts
 * import { RunContext, pipe, find, open, cat, lines, grep, parse, filter, format, take } from 'logsift';
 * const ctx = new RunContext();
 * const errors = pipe(find(ctx, ['logs/']), open(ctx), cat(ctx), lines(ctx), grep(ctx, 'ERROR'),
 *                     parse(ctx, { format: 'applog' }), filter(ctx, 'level == "ERROR"'), take(ctx, 100),
 *                     format(ctx, 'line'));
 * for await (const texts of errors) for (const text of texts) console.log(text);
 * ```
 * Each stage passes batches (about 1 MiB of lines) along: one await per batch, never per line.
 */
import type { Source } from './core/source.js';
import { findSources } from './io/find.js';
import type { RunContext } from './core/run-context.js';

export { RunContext, type RunOptions } from './core/run-context.js';
export { pipe, type Stage } from './stages/pipe.js';
export { open, cat, type Chunk, type OpenedSource } from './io/cat.js';
export { lines, splitLines } from './io/lines.js';
export { openSource } from './io/open.js';
export { grep } from './stages/grep.js';
export { parse, type ParseOptions } from './stages/parse.js';
export { filter, filterBatches, type PredicateFactory } from './stages/filter.js';
export { map, format, recordOf, type RecordObject } from './stages/map.js';
export { take } from './stages/take.js';
export { follow, type FollowStageOptions } from './stages/follow.js';
export { into, broadcast, drain, tee, Channel, type PushTarget } from './stages/push.js';
export { LineBatch } from './core/batch.js';
export { Instant, type Value } from './core/value.js';
export type { Row, RowSchema } from './core/row.js';
export type { Source } from './core/source.js';
export { UserError, InputError, UsageError } from './core/errors.js';
export { Diagnostics } from './core/diagnostics.js';
export type { LogFormat, RowParser, FieldReader, FieldSpec, FieldType } from './core/format.js';
export { resolveFormat, FORMAT_NAMES } from './formats/registry.js';
export { detectFormat } from './formats/detect.js';
export { parseQuery } from './query/parser.js';
export { runQuery, type QueryRunSpec, type OutputKind, type QueryLimits } from './engine/run-query.js';
export type { PassSpec } from './engine/spec.js';
export { runPass, PassRunner, type PassHooks, type PassInput } from './engine/pass.js';
export { PartialMerger, type Partial } from './engine/partial.js';
export { encodePartial, decodePartial, type EncodedPartial } from './engine/partial-codec.js';
export { describeFields, type InputFields, type FieldDescription } from './engine/describe-fields.js';
export { StreamSink, FdSink, OutputClosed, type ByteSink } from './output/sink.js';
export { stageChannel, type StageEvent } from './core/meters.js';

/** Expands paths, directories and globs into sources; bad ones are reported to the context. */
export function find(ctx: RunContext, specs: readonly string[]): AsyncIterable<Source> {
  return findSources(specs, { onError: (e) => ctx.inputFailed(e) });
}
