import { Diagnostics } from '../core/diagnostics.js';
import type { UserError } from '../core/errors.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { resolveFormat } from '../formats/registry.js';
import { findSources } from '../io/find.js';
import { FdSink, FileSink, type ByteSink } from '../output/sink.js';
import { formatProfile } from '../profile/report.js';
import { parseQuery } from '../query/parser.js';
import { FinalPhase } from './final.js';
import { addMeters, type MeterData } from './partial.js';
import { runPass, type PassHooks } from './pass.js';
import { collectorPlan, planQuery } from './plan.js';
import { runParallel, runsInParallel } from './parallel.js';
import type { QueryRunSpec } from './spec.js';
import { TypedPlans } from './typed-plans.js';

export type { OutputKind, QueryLimits, QueryRunSpec } from './spec.js';

/**
 * Runs one query over the inputs and writes its results: finds the inputs, runs the record
 * phase as passes (on this thread, or on worker threads for big plain files), and the final phase
 * on what they produced. Returns the exit code: 0, or 1 when an input failed or a limit left the
 * result incomplete (after everything that could be computed was printed). Query and usage
 * mistakes throw (QueryError / UsageError), before any output when they can be found that early.
 */
export async function runQuery(given: QueryRunSpec): Promise<number> {
  // One now for the whole run: workers plan with the same spec.
  const spec: QueryRunSpec = given.now === undefined ? { ...given, now: Date.now() } : given;
  const say = spec.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const query = parseQuery(spec.query);
  const untyped = planQuery(query);
  const collecting = collectorPlan(untyped, spec.output);
  const ctx = new RunContext({ maxLineLength: spec.maxLineLength, strict: spec.strict });
  const reportInputError = (error: UserError): void => say(`logsift: ${error.message}`);

  const { sources, found } = await findInputs(spec.inputs, reportInputError);
  const total = sources.every((s) => s.size !== null) ? sources.reduce((n, s) => n + (s.size ?? 0), 0) : null;
  spec.onStart?.(total);

  // The output is planned from the formats the passes meet (a forced one is known now, so
  // mistakes in the query show before any output).
  const plans = new TypedPlans(query, () => {}, spec.now!);
  const meet = (format: string): void => void plans.forFormat(resolveFormat(format), 'query');
  if (spec.format !== undefined) meet(spec.format);

  const sink: ByteSink = spec.out ?? new FdSink(1);
  const malformedSink = spec.malformedPath === undefined ? null : FileSink.open(spec.malformedPath);
  const final = new FinalPhase(spec, () => plans.main(), collecting, sink, ctx);
  const hooks: PassHooks = {
    bytes: (data) => final.bytes(data),
    rows: (columns, rows) => final.rows(columns, rows),
    ...(malformedSink ? { malformed: (data: Buffer) => malformedSink.write(data) } : {}),
    ready: () => bothReady(sink, malformedSink),
    stopped: () => final.done,
    onInputError: reportInputError,
    onFormat: meet,
    ...(spec.onBytesRead ? { onBytesRead: spec.onBytesRead } : {}),
  };

  const parallel = runsInParallel(spec, untyped, collecting, sources);
  const partial = parallel
    ? await runParallel(spec, sources, hooks, () => plans.main(), collecting)
    : await runPass(spec, sources.map((source) => ({ source })), hooks);

  spec.onDone?.();
  await malformedSink?.close();
  ctx.diagnostics.mergeData(found.toData());
  ctx.diagnostics.mergeData(partial.diagnostics);
  for (const error of ctx.diagnostics.settleForcedFormats()) reportInputError(error);
  const missing = plans.failure();
  if (missing) throw missing; // no format of the run has a field the query uses
  await final.finish(partial);

  for (const line of final.notes) say(line);
  for (const line of ctx.diagnostics.summary()) say(line);
  if (spec.profile) {
    const meters: MeterData[] = [];
    addMeters(meters, partial.meters);
    ctx.meters.sampleMemory();
    const threads = parallel ? `${spec.jobs} worker threads, ${partial.units} parts (stage times add up over threads)` : 'one thread';
    say(formatProfile(meters, ctx.meters.elapsedMs(), Math.max(ctx.meters.peakHeapBytes, partial.peakHeapBytes), threads));
  }
  return ctx.diagnostics.inputErrors.length > 0 || ctx.diagnostics.incomplete.length > 0 ? 1 : 0;
}

/** The inputs' sources, found up front; the failures are reported and kept in `found`. */
export async function findInputs(inputs: readonly string[], report: (error: UserError) => void): Promise<{ sources: Source[]; found: Diagnostics }> {
  const sources: Source[] = [];
  const found = new Diagnostics();
  for await (const s of findSources(inputs, { onError: (e) => (found.inputFailed(e), report(e)) })) sources.push(s);
  return { sources, found };
}

/** Backpressure from both outputs: the results and the malformed lines. */
function bothReady(a: ByteSink, b: ByteSink | null): Promise<void> | undefined {
  const first = a.ready();
  const second = b?.ready();
  if (first && second) return Promise.all([first, second]).then(() => undefined);
  return first ?? second;
}
