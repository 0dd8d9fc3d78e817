import type { LineBatch } from '../core/batch.js';
import type { Row, RowSchema } from '../core/row.js';
import type { Source } from '../core/source.js';
import { UsageError } from '../core/errors.js';
import type { FieldReader, RowParser } from '../core/format.js';
import { cat, open } from '../io/cat.js';
import { findSources } from '../io/find.js';
import { lines } from '../io/lines.js';
import type { RowSink } from '../operators/row-sink.js';
import { createWriter } from '../output/index.js';
import { formatProfile } from '../profile/report.js';
import type { StageMeter } from '../core/meters.js';
import { compilePredicate } from '../query/compile.js';
import { parseQuery } from '../query/parser.js';
import { neededFields } from '../query/typecheck.js';
import { resolveFormat } from '../formats/registry.js';
import { TypedPlans } from './typed-plans.js';
import { Progress } from '../cli/progress.js';
import { RunContext } from '../core/run-context.js';
import { filterBatches } from '../stages/filter.js';
import { parse } from '../stages/parse.js';
import { pipe, type Stage } from '../stages/pipe.js';
import { take } from '../stages/take.js';
import { AggregateSink, createAggregates } from './aggregate-sink.js';
import { LineWriter, writeText } from './line-writer.js';
import { planQuery, rowStageFields, rowStagesProject, type QueryPlan } from './plan.js';
import { RecordWriter, recordJson } from './record-writer.js';
import { BufferedOut } from '../output/buffered-out.js';
import { buildRowChain } from './row-chain.js';
import { TopSink } from './top-sink.js';
import type { GroupTable } from '../aggregates/index.js';

export type OutputKind = 'auto' | 'table' | 'json' | 'ndjson' | 'csv';

/** The bounds that keep a run's memory flat (see the CLI's --distinct-limit and friends). */
export interface QueryLimits {
  /** Distinct values count_distinct (and top) keep exactly before a sketch takes over. */
  readonly distinct: number;
  /** Values a percentile keeps exactly before a sketch takes over. */
  readonly percentile: number;
  /** Rows a sort without a following head may buffer. */
  readonly sort: number;
  /** Groups an aggregation keeps. */
  readonly groups: number;
}

export interface QueryRunSpec {
  readonly query: string;
  readonly inputs: readonly string[];
  readonly format?: string | undefined;
  readonly output: OutputKind;
  readonly strict: boolean;
  readonly profile: boolean;
  readonly progress: boolean;
  readonly maxLineLength: number;
  readonly limits: QueryLimits;
  /** Where results go (default: standard output). */
  readonly outFd?: number;
  /** Where messages go (default: standard error). */
  readonly errorLine?: (line: string) => void;
}

/** A batch consumer at the end of the record phase. */
interface BatchSink {
  consume(b: LineBatch): void;
  /** True once the sink wants no more input (a head downstream is satisfied). */
  readonly done: boolean;
  end(): void;
}

const HIDDEN_LINE = '\u0000line';

/**
 * Runs one query over the inputs and writes its results. Returns the exit code: 0, or 1 when an
 * input failed (after everything that could be computed was printed). Query and usage mistakes
 * throw (QueryError / UsageError) before any output when they can be found that early.
 */
export async function runQuery(spec: QueryRunSpec): Promise<number> {
  const outFd = spec.outFd ?? 1;
  const say = spec.errorLine ?? ((line: string) => process.stderr.write(`${line}\n`));
  const query = parseQuery(spec.query);
  const untypedPlan = planQuery(query);

  let progress: Progress | null = null;
  const ctx = new RunContext({
    maxLineLength: spec.maxLineLength,
    strict: spec.strict,
    reuseBuffers: true, // this pipeline is strictly sequential and copies what it keeps
    onInputError: (e) => {
      progress?.clear();
      say(`logsift: ${e.message}`);
    },
    onBytesRead: (n) => progress?.add(n),
  });

  const sources: Source[] = [];
  for await (const s of findSources(spec.inputs, { onError: (e) => ctx.inputFailed(e) })) sources.push(s);
  const total = sources.every((s) => s.size !== null) ? sources.reduce((n, s) => n + (s.size ?? 0), 0) : null;
  if (spec.progress && process.stderr.isTTY && total !== null && total > 0) progress = new Progress(total);

  const plans = new TypedPlans(query, (m) => say(`logsift: ${m}`));
  const forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
  // A forced format is known before reading: mistakes in the query show before any output.
  if (forced) plans.forFormat(forced, 'query');

  const wantsRecords = untypedPlan.mode === 'lines' && spec.output !== 'auto';
  const needed = wantsRecords ? null : neededFields(query);
  const split = pipe(
    fromList(sources),
    open(ctx),
    cat(ctx),
    lines(ctx),
  );
  // Printing lines through heads alone needs no field: such a run never parses (like cat or head).
  const needsParse = !(
    untypedPlan.mode === 'lines' &&
    spec.output === 'auto' &&
    untypedPlan.recordSteps.every((step) => step.kind === 'head')
  );
  const parsed = needsParse
    ? parse(ctx, { format: forced, needed, onFormat: (source, format) => void plans.forFormat(format, source.name) })(split)
    : split;
  const recordStages: Stage<LineBatch, LineBatch>[] = untypedPlan.recordSteps.map((step, k) =>
    step.kind === 'head'
      ? (take(ctx, step.n) as Stage<LineBatch, LineBatch>)
      : filterBatches(ctx, (parser: RowParser) => {
          const typed = plans.forFormat(parser.format, 'query').recordSteps[k]!;
          if (typed.kind !== 'where') throw new Error('plan shape differs between formats');
          return compilePredicate(typed.expr, parser);
        }),
  );


  const batches = recordStages.reduce<AsyncIterable<LineBatch>>((stream, stage) => stage(stream), parsed);
  const notes: string[] = [];
  const output = (schema: RowSchema): RowSink => outputSink(spec, outFd, schema, notes);
  // Built at the first batch, from the plan of the first format met (typed: time literals parsed).
  let sink: BatchSink | null = null;
  const makeMainSink = () => makeSink(spec, plans.main(), ctx, outFd, output, say);

  try {
    for await (const b of batches) {
      if (progress) progress.lines += b.count;
      sink ??= makeMainSink();
      sink.consume(b);
      if (sink.done) break;
    }
  } finally {
    progress?.clear();
  }
  (sink ?? makeMainSink()).end();

  for (const line of notes) say(line);
  for (const line of ctx.diagnostics.summary()) say(line);
  if (spec.profile) say(formatProfile(ctx.meters));
  return ctx.diagnostics.inputErrors.length > 0 || ctx.diagnostics.incomplete.length > 0 ? 1 : 0;
}

async function* fromList<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function makeSink(
  spec: QueryRunSpec,
  plan: QueryPlan,
  ctx: RunContext,
  outFd: number,
  output: (schema: RowSchema) => RowSink,
  say: (line: string) => void,
): BatchSink {
  const chainOptions = {
    limits: spec.limits,
    warn: (m: string) => say(`logsift: ${m}`),
    output,
    onTable: (table: GroupTable) => reportDroppedGroups(table, ctx),
  };
  switch (plan.mode) {
    case 'lines': {
      const stats = ctx.meters.stage('output');
      if (spec.output === 'json' || spec.output === 'ndjson') {
        const writer = new RecordWriter(outFd, spec.output);
        return timed(stats, { consume: (b) => writer.writeBatch(b), done: false, end: () => writer.end() });
      }
      if (spec.output === 'csv' || spec.output === 'table') return recordRows(output, stats);
      const writer = new LineWriter(outFd);
      return timed(stats, { consume: (b) => writer.writeBatch(b), done: false, end: () => writer.flush() });
    }
    case 'aggregate': {
      if (plan.top) {
        const top = new TopSink(plan.top, spec.limits.distinct, ctx.meters.stage('top'));
        return {
          consume: (b) => top.consume(b),
          done: false,
          end: () => {
            const { schema, rows } = top.result();
            const next = buildRowChain(plan.rowStages, schema, chainOptions);
            for (const row of rows) if (next.row(row) === false) break;
            next.end();
          },
        };
      }
      const stage = plan.aggregate!;
      const aggregator = new AggregateSink(stage, createAggregates(stage, spec.limits), ctx.meters.stage('aggregate'), spec.limits.groups);
      return {
        consume: (b) => aggregator.consume(b),
        done: false,
        end: () => {
          const table = aggregator.table;
          reportDroppedGroups(table, ctx);
          const next = buildRowChain(plan.rowStages, table.schema(), chainOptions);
          for (const row of table.rows()) if (next.row(row) === false) break;
          next.end();
        },
      };
    }
    case 'rows':
      return materialize(plan, spec, ctx, chainOptions, output);
  }
}

/** Says (and makes the run exit 1) when records of groups past --max-groups were left out. */
export function reportDroppedGroups(table: GroupTable, ctx: RunContext): void {
  if (table.droppedRecords === 0) return;
  ctx.diagnostics.resultIncomplete(
    `logsift: more than ${table.maxGroups.toLocaleString('en-US')} groups: ${table.droppedRecords.toLocaleString('en-US')} ` +
      `records of further groups were left out, so the result is incomplete (raise --max-groups, or use top N)`,
  );
}

/** Counts records into a sink stage and times it for --profile. */
function timed(stats: StageMeter, sink: BatchSink): BatchSink {
  return {
    consume(b) {
      const t0 = performance.now();
      stats.recordsIn += b.selCount;
      stats.recordsOut += b.selCount;
      sink.consume(b);
      stats.ms += performance.now() - t0;
    },
    get done() {
      return sink.done;
    },
    end: () => sink.end(),
  };
}

/** `rows` mode: each record becomes a row of the fields the row stages use (plus its line when printed as is). */
function materialize(
  plan: QueryPlan,
  spec: QueryRunSpec,
  ctx: RunContext,
  chainOptions: Parameters<typeof buildRowChain>[2],
  output: (schema: RowSchema) => RowSink,
): BatchSink {
  const fields = rowStageFields(plan.rowStages);
  const keepsLines = !rowStagesProject(plan.rowStages);
  const columns = keepsLines ? [...fields, HIDDEN_LINE] : fields;
  const chain = buildRowChain(plan.rowStages, { columns }, { ...chainOptions, output });
  const stats = ctx.meters.stage('rows');
  const readersByParser = new Map<RowParser, (FieldReader | undefined)[]>();
  let done = false;
  return {
    consume(b) {
      const t0 = performance.now();
      const parser = b.parser!;
      let readers = readersByParser.get(parser);
      if (!readers) {
        readers = fields.map((f) => parser.reader(f));
        readersByParser.set(parser, readers);
      }
      const width = readers.length;
      for (let i = 0; i < b.selCount && !done; i++) {
        const row = b.sel[i]!;
        const r: Row = new Array(width);
        for (let k = 0; k < width; k++) r[k] = readers[k]?.value(b, row) ?? null;
        if (keepsLines) r.push(spec.output === 'json' || spec.output === 'ndjson' ? recordJson(parser.record(b, row)) : b.text(row));
        if (chain.row(r) === false) done = true;
      }
      stats.recordsIn += b.selCount;
      stats.ms += performance.now() - t0;
    },
    get done() {
      return done;
    },
    end: () => chain.end(),
  };
}

/** Filter mode with --csv / --table: records become rows over the (first) format's fields. */
function recordRows(output: (schema: RowSchema) => RowSink, stats: StageMeter): BatchSink {
  let columns: string[] | null = null;
  let sink: RowSink | null = null;
  return timed(stats, {
    consume(b) {
      const parser = b.parser!;
      for (let i = 0; i < b.selCount; i++) {
        const record = parser.record(b, b.sel[i]!);
        if (!columns) {
          // Columns must be known before the first row; JSON and logfmt records vary line by line.
          if (!parser.format.fields) {
            throw new UsageError(`--csv and --table need fixed columns for ${parser.format.name} logs: add "| fields a, b"`);
          }
          columns = parser.format.fields.map((f) => f.name);
          sink = output({ columns });
        }
        sink!.row(columns.map((c) => record[c] ?? null));
      }
    },
    done: false,
    end: () => (sink ?? output({ columns: [] })).end(),
  });
}

/**
 * The final sink: original lines when rows still carry them, else the chosen writer (an aligned
 * table unless --json/--ndjson/--csv). Estimated columns add a note for stderr.
 */
function outputSink(spec: QueryRunSpec, outFd: number, schema: RowSchema, notes: string[]): RowSink {
  const lineAt = schema.columns.indexOf(HIDDEN_LINE);
  if (lineAt >= 0) {
    // Rows that still stand for whole records: their line as is, or (--json) their record's JSON.
    const out = new BufferedOut({ write: (text) => writeText(outFd, text) });
    const asArray = spec.output === 'json';
    let first = true;
    return {
      row: (r) => {
        const text = String(r[lineAt]);
        out.write(asArray ? `${first ? '[\n' : ',\n'}${text}` : `${text}\n`);
        first = false;
      },
      end: () => {
        if (asArray) out.write(first ? '[]\n' : '\n]\n');
        out.flush();
      },
    };
  }
  const kind = spec.output === 'auto' ? 'table' : spec.output;
  // A table marks estimates itself (~ and a footer); JSON and CSV keep plain numbers, so say it on stderr.
  if (kind !== 'table') {
    for (const [column, error] of Object.entries(schema.estimates ?? {})) {
      notes.push(`note: ${column} is an estimate${error ? ` (${error})` : ''}`);
    }
  }
  return createWriter(kind, schema, { write: (s: string) => writeText(outFd, s) });
}
