import type { Row, RowSchema } from '../core/row.js';
import type { RunContext } from '../core/run-context.js';
import type { GroupTable } from '../aggregates/index.js';
import type { RowSink } from '../operators/row-sink.js';
import { createWriter } from '../output/index.js';
import type { ByteSink } from '../output/sink.js';
import { columnName } from '../query/ast.js';
import { RECORD_COLUMN, type CollectorPlan, type QueryPlan } from './plan.js';
import type { Partial } from './partial.js';
import { aggregatedRows, buildRowChain, type ChainOptions } from './row-chain.js';
import type { QueryRunSpec } from './spec.js';
import { TopSink } from './top-sink.js';

/**
 * The final phase: turns what the record phase produced into output, wherever the passes ran.
 * Streamed output (lines, JSON records, rows) arrives in input order through `bytes` and `rows`
 * while passes run; states (a group table, a top counter, kept rows) arrive merged through
 * `finish`. Row operators (sort, head, fields, where) and writers run here, on few rows or on a
 * stream, and all text goes to one sink.
 */
export class FinalPhase {
  /** Notes for stderr at the end (which figures are estimates, for outputs that cannot mark them). */
  readonly notes: string[] = [];
  private chain: RowSink | null = null;
  private rowsDone = false;
  private jsonArray: { first: boolean } | null;

  constructor(
    private readonly spec: Pick<QueryRunSpec, 'output' | 'limits'>,
    /** The plan that shapes the output, typed by the first fitting format met (asked when needed). */
    private readonly planned: () => QueryPlan,
    private readonly collecting: CollectorPlan,
    private readonly sink: ByteSink,
    private readonly ctx: RunContext,
  ) {
    this.jsonArray = collecting.kind === 'records' && spec.output === 'json' ? { first: true } : null;
  }

  /** Lines, or NDJSON records, in input order. */
  bytes(data: Buffer): void {
    if (!this.jsonArray) {
      this.sink.write(data);
      return;
    }
    // One JSON array of the records: each record is one line of NDJSON text (JSON never holds a
    // raw line break), so separators go between lines.
    const text = data.toString('utf8').replace(/\n(?!$)/g, ',\n').replace(/\n$/, '');
    this.sink.write((this.jsonArray.first ? '[\n' : ',\n') + text);
    this.jsonArray.first = false;
  }

  /** Rows of `columns` in input order; false once the row operators want no more. */
  rows(columns: readonly string[], rows: readonly Row[]): boolean {
    if (this.rowsDone) return false;
    this.chain ??= this.streamChain(columns);
    for (const r of rows) {
      if (this.chain.row(r) === false) {
        this.rowsDone = true;
        return false;
      }
    }
    return true;
  }

  /** True once streamed rows are no longer wanted (a head is satisfied). */
  get done(): boolean {
    return this.rowsDone;
  }

  /** Ends the output: states become rows and go through the row operators; writers finish. */
  async finish(partial: Partial): Promise<void> {
    const plan = this.planned();
    const stages = plan.rowStages;
    switch (this.collecting.kind) {
      case 'raw':
      case 'lines':
        break;
      case 'records':
        if (this.jsonArray) this.sink.write(this.jsonArray.first ? '[]\n' : '\n]\n');
        else (this.chain ?? this.streamChain([])).end();
        break;
      case 'rows':
        (this.chain ?? this.streamChain(this.collecting.columns)).end();
        break;
      case 'topRows': {
        const next = buildRowChain(stages.slice(2), { columns: this.collecting.columns }, this.chainOptions());
        feed(next, partial.topRows ?? []);
        break;
      }
      case 'aggregate':
        this.feedAggregate(partial, this.chainOptions());
        break;
    }
    await this.sink.end();
  }

  /**
   * An aggregate's result as rows, through the same row operators as printed output (alerts read
   * it): the columns and the rows, plus the columns that are the groups' keys.
   */
  resultRows(partial: Partial): { columns: readonly string[]; keys: readonly string[]; rows: Row[] } {
    if (this.collecting.kind !== 'aggregate') throw new Error('resultRows needs an aggregate');
    const plan = this.planned();
    let columns: readonly string[] = [];
    const rows: Row[] = [];
    this.feedAggregate(partial, {
      ...this.chainOptions(),
      output: (schema) => {
        columns = schema.columns;
        return { row: (r) => void rows.push(r), end: () => {} };
      },
    });
    const keys = plan.top ? [plan.top.field.name] : (plan.aggregate?.groupBy ?? []).map(columnName);
    return { columns, keys: keys.filter((k) => columns.includes(k)), rows };
  }

  private feedAggregate(partial: Partial, options: ChainOptions): void {
    const plan = this.planned();
    const stages = plan.rowStages;
    if (plan.top) {
      const { schema, rows } = TopSink.answer(plan.top, partial.counter!);
      feed(buildRowChain(stages, schema, options), rows);
    } else {
      const table = partial.table!;
      reportDroppedGroups(table, this.ctx);
      feed(buildRowChain(stages, table.schema(), options), aggregatedRows(plan.aggregate!, table, stages, options));
    }
  }

  /** The row operators for streamed rows (or, for records, just the writer). */
  private streamChain(columns: readonly string[]): RowSink {
    if (this.collecting.kind === 'records') return this.output({ columns });
    return buildRowChain(this.planned().rowStages, { columns }, this.chainOptions());
  }

  private chainOptions(): ChainOptions {
    return {
      limits: this.spec.limits,
      warn: (m: string) => this.ctx.diagnostics.warn(`logsift: ${m}`),
      output: (schema) => this.output(schema),
      onTable: (table) => reportDroppedGroups(table, this.ctx),
    };
  }

  /**
   * The end of every chain: the original lines (or records' JSON) when rows still stand for whole
   * records, else the chosen writer (an aligned table unless --json/--ndjson/--csv).
   */
  private output(schema: RowSchema): RowSink {
    const sink = this.sink;
    const recordAt = schema.columns.indexOf(RECORD_COLUMN);
    if (recordAt >= 0) {
      const asArray = this.spec.output === 'json';
      let first = true;
      return {
        row: (r) => {
          const text = String(r[recordAt]);
          sink.write(asArray ? `${first ? '[\n' : ',\n'}${text}` : `${text}\n`);
          first = false;
        },
        end: () => {
          if (asArray) sink.write(first ? '[]\n' : '\n]\n');
        },
      };
    }
    const kind = this.spec.output === 'auto' ? 'table' : this.spec.output;
    // A table marks estimates itself (~ and a footer); JSON and CSV keep plain numbers, so say it on stderr.
    if (kind !== 'table') {
      for (const [column, error] of Object.entries(schema.estimates ?? {})) {
        this.notes.push(`note: ${column} is an estimate${error ? ` (${error})` : ''}`);
      }
    }
    return createWriter(kind, schema, sink);
  }
}

function feed(sink: RowSink, rows: Iterable<Row>): void {
  for (const row of rows) if (sink.row(row) === false) break;
  sink.end();
}

/** Says (and makes the run exit 1) when records of groups past --max-groups were left out. */
export function reportDroppedGroups(table: GroupTable, ctx: RunContext): void {
  if (table.droppedRecords === 0) return;
  ctx.diagnostics.resultIncomplete(
    `logsift: more than ${table.maxGroups.toLocaleString('en-US')} groups: ${table.droppedRecords.toLocaleString('en-US')} ` +
      `records of further groups were left out, so the result is incomplete (raise --max-groups, or use top N)`,
  );
}
