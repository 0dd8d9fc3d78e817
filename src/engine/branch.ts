import type { LineBatch } from '../core/batch.js';
import type { LogFormat } from '../core/format.js';
import type { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { UsageError, type UserError } from '../core/errors.js';
import { resolveFormat } from '../formats/registry.js';
import type { ByteSink } from '../output/sink.js';
import { fromQuery, inQuery } from '../query/errors.js';
import { parseQuery } from '../query/parser.js';
import { neededFields } from '../query/typecheck.js';
import { Channel, type PushTarget } from '../stages/push.js';
import { FinalPhase } from './final.js';
import type { Partial } from './partial.js';
import { PassRunner } from './pass.js';
import { collectorPlan, planQuery, type CollectorPlan } from './plan.js';
import type { PassSpec } from './spec.js';
import { TypedPlans } from './typed-plans.js';

/** One output of a fan-out: a query and where its results go. */
export interface BranchOutput {
  readonly spec: PassSpec;
  readonly sink: ByteSink;
  /** How messages name this output: "-o 404.log", "standard output". */
  readonly label: string;
  /** The option that gave the query (`-e`, `--alert`), for its errors; none for the command line's own query. */
  readonly option?: string | undefined;
  /**
   * `--drop-when-full`: while the sink's queue is over its high-water mark, this output's lines
   * are dropped and counted instead of slowing the shared read down.
   */
  readonly dropWhenFull: boolean;
}

/**
 * One query of several answered from one read (fan-out, the tutorial's broadcast): the query's
 * record phase as a pass over batches pushed to it (parsed already by the shared parse stage,
 * or raw lines when the query reads no field), and its final phase over its own sink.
 *
 * Backpressure: the pass awaits its sink's readiness after each batch before it asks for the
 * next, so a push into `target` resolves only once this output has room again; with
 * `dropWhenFull` it never waits, and a full sink's share is dropped and counted.
 */
export class Branch {
  readonly collecting: CollectorPlan;
  readonly plans: TypedPlans;
  readonly final: FinalPhase;
  readonly runner: PassRunner;
  /** Lines this output dropped while its sink was full (`--drop-when-full`). */
  droppedLines = 0;
  private readonly channel = new Channel<LineBatch>();
  private running: Promise<Partial> | null = null;
  private failure: { readonly error: unknown } | null = null;
  private readonly query;

  constructor(
    readonly output: BranchOutput,
    ctx: RunContext,
    onInputError: (error: UserError) => void,
  ) {
    const { spec, sink } = output;
    this.query = inQuery(spec.query, output.option, () => parseQuery(spec.query));
    this.collecting = collectorPlan(planQuery(this.query), spec.output);
    this.plans = new TypedPlans(this.query, () => {}, spec.now ?? Date.now());
    if (spec.format !== undefined) this.meet(spec.format);
    this.final = new FinalPhase(spec, () => this.plans.main(), this.collecting, sink, ctx);
    const drop = output.dropWhenFull;
    this.runner = new PassRunner(spec, {
      bytes: (data) => {
        if (drop && sink.full()) this.droppedLines += countLines(data);
        else this.final.bytes(data);
      },
      rows: (columns, rows) => this.final.rows(columns, rows),
      ready: () => (drop ? undefined : sink.ready()),
      stopped: () => this.final.done,
      onInputError,
      onFormat: (format) => this.meet(format),
      preParsed: !this.raw,
      reuseBuffers: true,
    });
  }

  /** True when the query reads no field: it gets the lines before parsing (which drops the malformed). */
  get raw(): boolean {
    return this.collecting.kind === 'raw';
  }

  /** The fields this query reads (the shared parser stores their union), or null for all. */
  needed(): ReadonlySet<string> | null {
    return this.collecting.kind === 'records' ? null : neededFields(this.query);
  }

  /** Where the shared read pushes batches: resolves once this output is done with each. */
  readonly target: PushTarget<LineBatch> = ((branch: Branch) => ({
    push: (b: LineBatch) => branch.channel.push(b),
    end: async () => {
      branch.channel.end();
      await branch.result();
    },
    get closed() {
      return branch.channel.closed;
    },
  }))(this);

  /** True once this output wants no more batches (its head is satisfied, or it failed). */
  get closed(): boolean {
    return this.channel.closed;
  }

  /** The query error to raise when no format met has a field the query uses, naming this output's query. */
  missingField(): unknown {
    const missing = this.plans.failure();
    return missing && fromQuery(missing, this.output.spec.query, this.output.option);
  }

  /** The error that stopped this output, if one did. */
  get failed(): { readonly error: unknown } | null {
    return this.failure;
  }

  /** Starts the pass; `formatFor` names formats detected up front (follow mode's files). */
  start(formatFor?: (source: Source) => LogFormat | undefined): void {
    // A query error met while reading (a field the detected format lacks) names this output's query.
    const running = this.runner.runBatches(this.channel, formatFor).catch((error: unknown) => {
      throw fromQuery(error, this.output.spec.query, this.output.option);
    });
    running.catch((error: unknown) => {
      this.failure ??= { error };
      this.channel.stop();
    });
    this.running = running;
  }

  /** The pass's partial, once every batch pushed was taken (call after `target.end()`). */
  async result(): Promise<Partial> {
    if (!this.running) throw new Error('Branch.result before start');
    return this.running;
  }

  private meet(format: string): void {
    inQuery(this.output.spec.query, this.output.option, () => this.plans.forFormat(resolveFormat(format), 'query'));
  }
}

/** Outputs that stream (lines, records) each need a sink of their own. */
export function refuseSharedStreams(branches: readonly Branch[]): void {
  const streaming = new Map<unknown, Branch>();
  for (const b of branches) {
    if (b.collecting.kind === 'aggregate' || b.collecting.kind === 'topRows') continue;
    const other = streaming.get(b.output.sink);
    if (other) {
      throw new UsageError(
        `'${other.output.spec.query}' and '${b.output.spec.query}' both print records to ${b.output.label}: give one of them its own -o FILE`,
      );
    }
    streaming.set(b.output.sink, b);
  }
}

/** The lines in a buffer of whole lines. */
function countLines(data: Buffer): number {
  let n = 0;
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) n++;
  return n;
}
