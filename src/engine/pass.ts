import type { LineBatch } from '../core/batch.js';
import { UserError } from '../core/errors.js';
import type { LogFormat, RowParser } from '../core/format.js';
import type { Row } from '../core/row.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { resolveFormat } from '../formats/registry.js';
import { cat, open } from '../io/cat.js';
import { lines } from '../io/lines.js';
import { compilePredicate } from '../query/compile.js';
import { parseQuery } from '../query/parser.js';
import { neededFields } from '../query/typecheck.js';
import { filterBatches } from '../stages/filter.js';
import { parse } from '../stages/parse.js';
import { pipe, type Stage } from '../stages/pipe.js';
import { take } from '../stages/take.js';
import { createAggregates, AggregateSink } from './aggregate-sink.js';
import { JsonRecordsCollector, LinesCollector, RowsCollector, TopRowsCollector, type Collector } from './collect.js';
import { meterData, type Partial } from './partial.js';
import { collectorPlan, planQuery } from './plan.js';
import type { PassSpec } from './spec.js';
import { TopSink } from './top-sink.js';
import { TypedPlans } from './typed-plans.js';

/** One input of a pass: a source (a whole file, stdin, or a byte range of a file), and its format when known. */
export interface PassInput {
  readonly source: Source;
  /** The format spec to read it with (detected up front for byte ranges); else detected or forced. */
  readonly format?: string;
}

/** Where a pass's streaming output goes, and how it is told to slow down or stop. */
export interface PassHooks {
  /** Lines mode: selected original lines (and JSON records) as bytes, in input order. */
  bytes?(data: Buffer): void;
  /** Rows mode: rows of `columns`; false when no more are wanted. */
  rows?(columns: readonly string[], rows: Row[]): boolean;
  /** Awaited once per batch when it returns a promise: backpressure from the output. */
  ready?(): Promise<void> | undefined;
  /** Polled once per batch: true stops the pass (a head downstream is satisfied, or a cancel). */
  stopped?(): boolean;
  onInputError?(error: UserError): void;
  onWarning?(message: string): void;
  /** Told each format spec the pass meets (a registry name or the forced format string), once. */
  onFormat?(format: string): void;
  onBytesRead?(bytes: number): void;
  /** Read buffers may be recycled (the consumer never keeps a batch past the next): default true. */
  reuseBuffers?: boolean;
}

/**
 * Runs the record phase of `spec`'s query over `inputs` (parse, filter, then the collector: lines,
 * rows, an aggregation, a top counter) and returns what it found as a Partial. The same function
 * runs on this thread and on worker threads; where it runs is the caller's choice.
 */
export async function runPass(spec: PassSpec, inputs: readonly PassInput[], hooks: PassHooks = {}): Promise<Partial> {
  const query = parseQuery(spec.query);
  const untyped = planQuery(query);
  const ctx = new RunContext({
    maxLineLength: spec.maxLineLength,
    strict: spec.strict,
    reuseBuffers: hooks.reuseBuffers ?? true,
    ...(hooks.onInputError ? { onInputError: hooks.onInputError } : {}),
    ...(hooks.onBytesRead ? { onBytesRead: hooks.onBytesRead } : {}),
  });
  const warn = (message: string): void => {
    ctx.diagnostics.warn(message);
    hooks.onWarning?.(message);
  };
  const plans = new TypedPlans(query, warn);
  const formatsMet: string[] = [];
  const forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
  const formatOf = new Map<Source, LogFormat>();
  for (const input of inputs) if (input.format !== undefined) formatOf.set(input.source, resolveFormat(input.format));
  const meetFormat = (source: Source, format: LogFormat): void => {
    const name = specOf(format);
    if (!formatsMet.includes(name)) {
      formatsMet.push(name);
      hooks.onFormat?.(name);
    }
    plans.forFormat(format, source.name);
  };
  const specOf = (format: LogFormat): string => (format === forced ? spec.format! : format.name);
  if (forced) meetFormat({ name: 'query', path: null, size: null }, forced);

  const collecting = collectorPlan(untyped, spec.output);
  const needed = collecting.kind === 'records' ? null : neededFields(query);
  const split = pipe(
    fromList(inputs.map((i) => i.source)),
    open(ctx),
    cat(ctx),
    lines(ctx),
  );
  const parsed = collecting.kind === 'raw'
    ? split
    : parse(ctx, {
        ...(forced ? { format: forced } : {}),
        formatFor: (source) => formatOf.get(source),
        needed,
        onFormat: meetFormat,
      })(split);
  const recordStages: Stage<LineBatch, LineBatch>[] = untyped.recordSteps.map((step, k) =>
    step.kind === 'head'
      ? (take(ctx, step.n) as Stage<LineBatch, LineBatch>)
      : filterBatches(ctx, (parser: RowParser) => {
          const typed = plans.forFormat(parser.format, 'query').recordSteps[k]!;
          if (typed.kind !== 'where') throw new Error('plan shape differs between formats');
          return compilePredicate(typed.expr, parser);
        }),
  );
  const batches = recordStages.reduce<AsyncIterable<LineBatch>>((stream, stage) => stage(stream), parsed);

  // Built at the first batch, from the plan of the first fitting format (typed: time literals parsed).
  let collector: Collector | null = null;
  const kept: { table: AggregateSink | null; top: TopSink | null; topRows: TopRowsCollector | null } = {
    table: null,
    top: null,
    topRows: null,
  };
  const build = (): Collector => {
    const plan = plans.main();
    switch (collecting.kind) {
      case 'raw':
      case 'lines':
        return new LinesCollector({ write: (data) => hooks.bytes?.(data) }, ctx.meters.stage('output'));
      case 'records':
        return collecting.json
          ? new JsonRecordsCollector((text) => hooks.bytes?.(Buffer.from(text)), ctx.meters.stage('output'))
          : new RowsCollector({ kind: 'record' }, (rows) => hooks.rows?.(columnsOf(collector), rows) ?? true, ctx.meters.stage('rows'));
      case 'aggregate':
        if (plan.top) return (kept.top = new TopSink(plan.top, spec.limits.distinct, ctx.meters.stage('top')));
        return (kept.table = new AggregateSink(plan.aggregate!, createAggregates(plan.aggregate!, spec.limits), ctx.meters.stage('aggregate'), spec.limits.groups));
      case 'rows':
        return new RowsCollector(collecting.shape, (rows) => hooks.rows?.(collecting.columns, rows) ?? true, ctx.meters.stage('rows'));
      case 'topRows':
        return (kept.topRows = new TopRowsCollector(collecting.shape, collecting.keys, collecting.n, ctx.meters.stage('rows')));
    }
  };

  for await (const b of batches) {
    collector ??= build();
    collector.consume(b);
    if (collector.done || hooks.stopped?.()) break;
    const wait = hooks.ready?.();
    if (wait) await wait;
  }
  collector ??= build();
  collector.flush?.();

  const linesRead = new Map<string, number>();
  for (const [name, count] of ctx.linesRead) linesRead.set(name, count);
  return {
    table: kept.table?.table ?? null,
    counter: kept.top?.counter ?? null,
    topRows: kept.topRows ? kept.topRows.heap.drain() : null,
    diagnostics: ctx.diagnostics.toData(),
    lines: linesRead,
    meters: meterData(ctx.meters),
    formats: formatsMet,
    bytesRead: ctx.meters.find('read')?.bytes ?? 0,
    peakHeapBytes: ctx.meters.peakHeapBytes,
  };
}

/** The columns of a record-rows collector (known from its first batch on). */
function columnsOf(collector: Collector | null): readonly string[] {
  return (collector as RowsCollector | null)?.columns ?? [];
}

async function* fromList<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
