import type { LineBatch } from '../core/batch.js';
import { UserError } from '../core/errors.js';
import type { LogFormat, RowParser } from '../core/format.js';
import type { Row } from '../core/row.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { resolveFormat, transformOf } from '../formats/registry.js';
import { cat, open } from '../io/cat.js';
import { lines } from '../io/lines.js';
import { compilePredicate } from '../query/compile.js';
import { parseQuery } from '../query/parser.js';
import { neededFields } from '../query/typecheck.js';
import { extendBatches } from '../stages/extend.js';
import { filterBatches } from '../stages/filter.js';
import { parse } from '../stages/parse.js';
import { fromList, pipe, type Stage } from '../stages/pipe.js';
import { take } from '../stages/take.js';
import { createAggregates, AggregateSink } from './aggregate-sink.js';
import { JsonRecordsCollector, LinesCollector, RowsCollector, TopRowsCollector, type Collector } from './collect.js';
import { meterData, type MeterData, type Partial } from './partial.js';
import { encodePartial, type EncodedPartial } from './partial-codec.js';
import { LineWriter } from '../output/line-writer.js';
import { collectorPlan, planQuery, type CollectorPlan } from './plan.js';
import type { PassSpec } from './spec.js';
import { windowPredicate } from './time-window.js';
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
  /** Malformed lines, as bytes ending in newlines, in input order (`--malformed FILE`); unset: not kept. */
  malformed?(data: Buffer): void;
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
  /**
   * The batches given to `runBatches` were parsed already, by a parse stage several passes share
   * (one read feeding many queries): this pass does not parse them again, and learns each format
   * from the batches' parsers.
   */
  preParsed?: boolean;
}

/**
 * Runs the record phase of `spec`'s query over `inputs` (parse, filter, then the collector: lines,
 * rows, an aggregation, a top counter) and returns what it found as a Partial. The same function
 * runs on this thread and on worker threads; where it runs is the caller's choice.
 */
export function runPass(spec: PassSpec, inputs: readonly PassInput[], hooks: PassHooks = {}): Promise<Partial> {
  return new PassRunner(spec, hooks).run(inputs);
}

/**
 * Passes of one query, one after the other, that share their compiled parts: parsers, predicates
 * and the aggregation's per-format feeds are built once and stay warm (JIT-optimised) from one
 * part of the input to the next, while each part gets fresh state (its table, its diagnostics).
 * A worker thread keeps one runner for all the byte ranges it is given. Not reentrant: one `run`
 * at a time.
 */
export class PassRunner {
  private readonly ctx: RunContext;
  private readonly plans: TypedPlans;
  private readonly collecting: CollectorPlan;
  private readonly forced: LogFormat | undefined;
  private readonly formatOf = new Map<Source, LogFormat>();
  private readonly formatsMet: string[] = [];
  private readonly openStage: ReturnType<typeof open>;
  private readonly catStage: ReturnType<typeof cat>;
  private readonly linesStage: ReturnType<typeof lines>;
  private readonly parseStage: Stage<LineBatch, LineBatch> | null;
  private readonly recordStages: Stage<LineBatch, LineBatch>[];
  private collector: Collector | null = null;
  /** Malformed lines on their way to hooks.malformed. */
  private readonly malformedOut: LineWriter | null;
  private readonly kept: { table: AggregateSink | null; top: TopSink | null; topRows: TopRowsCollector | null } = {
    table: null,
    top: null,
    topRows: null,
  };

  constructor(
    private readonly spec: PassSpec,
    private readonly hooks: PassHooks = {},
  ) {
    const query = parseQuery(spec.query);
    const untyped = planQuery(query);
    const ctx = (this.ctx = new RunContext({
      maxLineLength: spec.maxLineLength,
      strict: spec.strict,
      reuseBuffers: hooks.reuseBuffers ?? true,
      ...(hooks.onInputError ? { onInputError: hooks.onInputError } : {}),
      ...(hooks.onBytesRead ? { onBytesRead: hooks.onBytesRead } : {}),
    }));
    this.plans = new TypedPlans(
      query,
      (message) => {
        ctx.diagnostics.warn(message);
        hooks.onWarning?.(message);
      },
      spec.now ?? Date.now(),
    );
    this.forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
    if (this.forced) this.meetFormat({ name: 'query', path: null, size: null }, this.forced);
    this.collecting = collectorPlan(untyped, spec.output);
    // Stages are made once (their meters and compiled parts last) and run again for each part.
    this.openStage = open(ctx, transformOf(this.forced));
    this.catStage = cat(ctx);
    this.linesStage = lines(ctx);
    const needed = this.collecting.kind === 'records' ? null : neededFields(query);
    const malformed = hooks.malformed;
    const malformedOut = (this.malformedOut = malformed ? new LineWriter({ write: (data) => malformed.call(hooks, data) }) : null);
    this.parseStage =
      this.collecting.kind === 'raw' || hooks.preParsed
        ? null
        : parse(ctx, {
            ...(this.forced ? { format: this.forced } : {}),
            formatFor: (source) => this.formatOf.get(source) ?? this.formatFor?.(source),
            needed,
            onFormat: (source, format) => this.meetFormat(source, format),
            ...(malformedOut ? { onMalformedLine: (b: LineBatch, row: number) => malformedOut.writeRow(b, row) } : {}),
          });
    const typedStep = (parser: RowParser, k: number) => this.plans.forFormat(parser.format, 'query').recordSteps[k]!;
    const window = spec.since !== undefined || spec.until !== undefined ? [this.windowStage()] : [];
    this.recordStages = [
      ...window,
      ...untyped.recordSteps.map((step, k): Stage<LineBatch, LineBatch> => {
        switch (step.kind) {
          case 'head':
            return take(ctx, step.n) as Stage<LineBatch, LineBatch>;
          case 'extend':
            return extendBatches(ctx, (parser) => {
              const typed = typedStep(parser, k);
              if (typed.kind !== 'extend') throw new Error('plan shape differs between formats');
              return typed.stage;
            });
          case 'where':
            return filterBatches(ctx, (parser: RowParser) => {
              const typed = typedStep(parser, k);
              if (typed.kind !== 'where') throw new Error('plan shape differs between formats');
              return compilePredicate(typed.expr, parser);
            });
        }
      }),
    ];
  }

  /** `--since` / `--until`, before the query's own steps. */
  private windowStage(): Stage<LineBatch, LineBatch> {
    return filterBatches(this.ctx, (parser) => windowPredicate(this.spec, parser) ?? (() => true), 'window');
  }

  /** One pass over `inputs`: their partial. */
  async run(inputs: readonly PassInput[]): Promise<Partial> {
    const { ctx } = this;
    ctx.beginPart();
    for (const input of inputs) if (input.format !== undefined) this.formatOf.set(input.source, resolveFormat(input.format));
    const split = pipe(fromList(inputs.map((i) => i.source)), this.openStage, this.catStage, this.linesStage);
    try {
      return await this.drive(split, false);
    } finally {
      for (const input of inputs) this.formatOf.delete(input.source);
    }
  }

  /**
   * A pass over line batches made elsewhere (follow mode's tailing source), that lasts as long as
   * they do. Each batch's output is handed on before the next batch is pulled (no line waits in a
   * half-filled buffer), so when the source is asked for more, everything it yielded is delivered.
   * `formatFor` gives a source's format when the caller detected it up front.
   */
  runBatches(split: AsyncIterable<LineBatch>, formatFor?: (source: Source) => LogFormat | undefined): Promise<Partial> {
    this.formatFor = formatFor ?? null;
    return this.drive(split, true);
  }

  /**
   * The current part's partial, and a fresh state for what follows (a sliding window's buckets):
   * called between batches, from a timer while a pass runs. The returned states are no longer
   * touched by the pass. Diagnostics are not cut: they stay the run's.
   */
  cut(): Partial {
    const partial = this.current(meterData(this.ctx.meters), []);
    this.resetState();
    return partial;
  }

  private formatFor: ((source: Source) => LogFormat | undefined) | null = null;

  private async drive(split: AsyncIterable<LineBatch>, flushEach: boolean): Promise<Partial> {
    const { ctx, hooks } = this;
    const metersBefore = meterData(ctx.meters);
    const parsed = this.parseStage ? this.parseStage(split) : this.hooks.preParsed ? this.meetParsers(split) : split;
    const batches = this.recordStages.reduce<AsyncIterable<LineBatch>>((stream, stage) => stage(stream), parsed);
    this.resetState();
    for await (const b of batches) {
      this.collector ??= this.build();
      this.collector.consume(b);
      if (flushEach) {
        this.collector.flush?.();
        this.malformedOut?.flush();
      }
      if (this.collector.done || hooks.stopped?.()) break;
      const wait = hooks.ready?.();
      if (wait) await wait;
    }
    this.collector ??= this.build();
    this.collector.flush?.();
    this.malformedOut?.flush();
    return this.current(meterData(ctx.meters), metersBefore);
  }

  /** The kept states and counters as a Partial (meters as counted since `before`). */
  private current(after: MeterData[], before: readonly MeterData[]): Partial {
    const { ctx } = this;
    const metersBefore = before;
    const { kept } = this;
    return {
      table: kept.table?.table ?? null,
      counter: kept.top?.counter ?? null,
      topRows: kept.topRows ? kept.topRows.heap.drain() : null,
      diagnostics: ctx.diagnostics.toData(),
      lines: new Map(ctx.linesRead),
      meters: subtractMeters(after, metersBefore),
      formats: [...this.formatsMet],
      bytesRead: (ctx.meters.find('read')?.bytes ?? 0) - (metersBefore.find((m) => m.name === 'read')?.bytes ?? 0),
      peakHeapBytes: ctx.meters.peakHeapBytes,
      units: 1,
    };
  }

  /**
   * The partial of the part being read, so far, without disturbing it (for live views): as its
   * wire form, a copy the pass goes on without. Safe to call from any hook while `run` is going.
   */
  snapshot(): EncodedPartial {
    const { ctx, kept } = this;
    const topRows = kept.topRows ? kept.topRows.heap.peek() : null;
    return encodePartial({
      table: kept.table?.table ?? null,
      counter: kept.top?.counter ?? null,
      topRows,
      diagnostics: ctx.diagnostics.toData(),
      lines: new Map(ctx.linesRead),
      meters: meterData(ctx.meters),
      formats: [...this.formatsMet],
      bytesRead: ctx.meters.find('read')?.bytes ?? 0,
      peakHeapBytes: ctx.meters.peakHeapBytes,
      units: 1,
    });
  }

  /** Pre-parsed batches: each format is met at its first batch, as the parse stage would tell it. */
  private async *meetParsers(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    const met = new Set<RowParser>();
    for await (const b of batches) {
      const parser = b.parser;
      if (parser && !met.has(parser)) {
        met.add(parser);
        this.meetFormat(b.source, parser.format);
      }
      yield b;
    }
  }

  private meetFormat(source: Source, format: LogFormat): void {
    const name = format === this.forced ? this.spec.format! : format.name;
    if (!this.formatsMet.includes(name)) {
      this.formatsMet.push(name);
      this.hooks.onFormat?.(name);
    }
    this.plans.forFormat(format, source.name);
  }

  /** Fresh state for the next part: the collectors keep what they compiled, not what they collected. */
  private resetState(): void {
    this.kept.table?.reset();
    this.kept.top?.reset();
    this.kept.topRows?.reset();
  }

  /** Built at the first batch, from the plan of the first fitting format (typed: time literals parsed). */
  private build(): Collector {
    const { ctx, hooks, spec, collecting, kept } = this;
    const plan = this.plans.main();
    switch (collecting.kind) {
      case 'raw':
      case 'lines':
        return new LinesCollector({ write: (data) => hooks.bytes?.(data) }, ctx.meters.stage('output'));
      case 'records':
        return collecting.json
          ? new JsonRecordsCollector((text) => hooks.bytes?.(Buffer.from(text)), ctx.meters.stage('output'))
          : new RowsCollector({ kind: 'record' }, (rows) => hooks.rows?.(columnsOf(this.collector), rows) ?? true, ctx.meters.stage('rows'));
      case 'aggregate':
        if (plan.top) return (kept.top = new TopSink(plan.top, spec.limits.distinct, ctx.meters.stage('top')));
        return (kept.table = new AggregateSink(plan.aggregate!, createAggregates(plan.aggregate!, spec.limits), ctx.meters.stage('aggregate'), spec.limits.groups));
      case 'rows':
        return new RowsCollector(collecting.shape, (rows) => hooks.rows?.(collecting.columns, rows) ?? true, ctx.meters.stage('rows'));
      case 'topRows':
        return (kept.topRows = new TopRowsCollector(collecting.shape, collecting.keys, collecting.n, ctx.meters.stage('rows')));
    }
  }
}

/** Counters of this part alone: the runner's totals less what they were before it. */
function subtractMeters(after: readonly MeterData[], before: readonly MeterData[]): MeterData[] {
  return after.map((m) => {
    const b = before.find((x) => x.name === m.name);
    return b ? { name: m.name, recordsIn: m.recordsIn - b.recordsIn, recordsOut: m.recordsOut - b.recordsOut, ms: m.ms - b.ms, bytes: m.bytes - b.bytes } : m;
  });
}

/** The columns of a record-rows collector (known from its first batch on). */
function columnsOf(collector: Collector | null): readonly string[] {
  return (collector as RowsCollector | null)?.columns ?? [];
}
