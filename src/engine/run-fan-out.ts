import { RunContext } from '../core/run-context.js';
import type { UserError } from '../core/errors.js';
import { resolveFormat, transformOf } from '../formats/registry.js';
import { cat, open } from '../io/cat.js';
import { lines } from '../io/lines.js';
import { fromList, pipe } from '../stages/pipe.js';
import { Branch, refuseSharedStreams, type BranchOutput } from './branch.js';
import { findInputs } from './run-query.js';
import { runSharedRead } from './shared-read.js';
import type { QueryRunSpec } from './spec.js';

/** `-e QUERY [-o FILE]`, repeated: every query answered from one read and parse. */
export interface FanOutRunSpec extends Omit<QueryRunSpec, 'query' | 'out' | 'jobs' | 'malformedPath' | 'profile'> {
  /** The queries with their sinks, in the order given; results that go to one sink are written in this order. */
  readonly outputs: readonly FanOutOutput[];
  readonly dropWhenFull: boolean;
}

/** One `-e QUERY [-o FILE]`. */
export interface FanOutOutput extends Pick<BranchOutput, 'sink' | 'label' | 'option'> {
  readonly query: string;
}

/**
 * Runs several queries over one read of the inputs (one thread): lines and records stream to
 * their outputs as they are found; aggregates are printed at the end, in the order of the
 * queries. Two outputs that stream lines may not share a sink (their lines would interleave).
 * Returns the exit code: 0, or 1 when an input failed, an output dropped lines
 * (`--drop-when-full`) or a limit left a result incomplete.
 */
export async function runFanOut(given: FanOutRunSpec): Promise<number> {
  const spec = given.now === undefined ? { ...given, now: Date.now() } : given;
  const say = spec.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const reportInputError = (error: UserError): void => say(`logsift: ${error.message}`);
  const ctx = new RunContext({ maxLineLength: spec.maxLineLength, strict: spec.strict, reuseBuffers: true, onInputError: reportInputError });
  const branches = spec.outputs.map(
    (o) => new Branch({ spec: { ...spec, query: o.query }, sink: o.sink, label: o.label, option: o.option, dropWhenFull: spec.dropWhenFull }, ctx, reportInputError),
  );
  refuseSharedStreams(branches);

  const { sources, found } = await findInputs(spec.inputs, reportInputError);
  ctx.diagnostics.mergeData(found.toData());
  const forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
  const split = pipe(fromList(sources), open(ctx, transformOf(forced)), cat(ctx), lines(ctx));
  await runSharedRead(ctx, branches, split, { forced });
  spec.onDone?.();

  for (const error of ctx.diagnostics.settleForcedFormats()) reportInputError(error);
  let dropped = false;
  // Results that share a sink follow one another; tables are set apart by a blank line.
  const written = new Set<unknown>();
  for (const b of branches) {
    const missing = b.missingField();
    if (missing) throw missing;
    const partial = await b.result();
    ctx.diagnostics.mergeData(partial.diagnostics);
    const atEnd = b.collecting.kind === 'aggregate' || b.collecting.kind === 'topRows';
    if (atEnd && written.has(b.output.sink) && (spec.output === 'auto' || spec.output === 'table')) b.output.sink.write('\n');
    if (atEnd) written.add(b.output.sink);
    await b.final.finish(partial);
    for (const line of b.final.notes) say(line);
    if (b.droppedLines > 0) {
      dropped = true;
      say(`logsift: ${b.output.label}: ${b.droppedLines.toLocaleString('en-US')} lines dropped while the output was full (--drop-when-full)`);
    }
  }
  for (const line of ctx.diagnostics.summary()) say(line);
  return dropped || ctx.diagnostics.inputErrors.length > 0 || ctx.diagnostics.incomplete.length > 0 ? 1 : 0;
}
