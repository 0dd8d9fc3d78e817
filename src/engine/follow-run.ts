import { UsageError, type UserError } from '../core/errors.js';
import type { LogFormat } from '../core/format.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { decodeText } from '../core/text.js';
import { DETECTION_SAMPLE, detectFormat } from '../formats/detect.js';
import { resolveFormat } from '../formats/registry.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../io/follow/checkpoint.js';
import { FollowSource } from '../io/follow/follow-source.js';
import { FdSink, type ByteSink } from '../output/sink.js';
import { parseQuery } from '../query/parser.js';
import { lazyStateShape } from './aggregate-sink.js';
import { FinalPhase } from './final.js';
import { PartialMerger, type Partial } from './partial.js';
import { decodePartial, encodePartial, type EncodedPartial } from './partial-codec.js';
import { PassRunner, type PassHooks } from './pass.js';
import { collectorPlan, planQuery } from './plan.js';
import { SlidingWindow } from './sliding-window.js';
import type { PassSpec } from './spec.js';
import { TypedPlans } from './typed-plans.js';

/** One `logsift follow` run: a pass that never ends, over followed inputs. */
export interface FollowRunSpec extends PassSpec {
  readonly inputs: readonly string[];
  /** Files that exist at start: read from their start or their end (the default). */
  readonly from: 'start' | 'end';
  /** An aggregate's result is printed this often (ms), and at the end. */
  readonly everyMs: number;
  /** `--window`: the aggregate over what arrived in this many ms, else over everything since start. */
  readonly windowMs?: number;
  /** `--checkpoint FILE`: where delivery positions (and a running aggregate) are kept and resumed from. */
  readonly checkpointPath?: string;
  /** Least time between two checkpoint writes (ms). */
  readonly checkpointEveryMs?: number;
  readonly pollMs?: number;
  readonly rotateWaitMs?: number;
  /** Aborting it ends the run: the final result is printed and the checkpoint written. */
  readonly signal: AbortSignal;
  readonly out?: ByteSink;
  readonly errorLine?: (line: string) => void;
}

/** What a checkpoint keeps besides positions: a running aggregate, and the query it belongs to. */
interface KeptState {
  readonly query: string;
  readonly format: string | null;
  readonly partial: EncodedPartial;
}

/**
 * Follows the inputs with the query's record phase running as one endless pass (PassRunner over
 * FollowSource's batches). A filter's lines go out as they arrive (each batch's output handed on
 * before the next is read); an aggregate's result is printed every `everyMs` from the running
 * pass's snapshot (or the sliding window's buckets), and once more at the end. Returns the exit
 * code: 0, or 1 when an input failed along the way.
 *
 * Delivery: a file's checkpoint offset is the end of the last complete line whose output was
 * written (the sink drained) before the checkpoint was taken, so a restart resumes exactly after
 * it. Stopped through `signal` (SIGINT/SIGTERM), the last checkpoint is written after the final
 * output: every line is delivered exactly once across restarts. Killed without warning, at most
 * the lines after the last periodic checkpoint come again.
 */
export async function runFollow(given: FollowRunSpec): Promise<number> {
  const spec: FollowRunSpec = given.now === undefined ? { ...given, now: Date.now() } : given;
  const say = spec.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const query = parseQuery(spec.query);
  const untyped = planQuery(query);
  const collecting = collectorPlan(untyped, spec.output);
  const aggregate = collecting.kind === 'aggregate';
  if (collecting.kind === 'rows' || collecting.kind === 'topRows' || (collecting.kind === 'records' && !(spec.output === 'json' || spec.output === 'ndjson'))) {
    throw new UsageError("follow prints matching lines (or --json/--ndjson records) or an aggregate's result; 'fields', 'sort' before an aggregate, --csv and --table of a filter are not available in follow mode");
  }
  if (spec.windowMs !== undefined && !aggregate) throw new UsageError('--window needs an aggregate (count, sum, ... by ...): a filter prints each line as it arrives');
  const forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
  if (forced?.transform) throw new UsageError(`follow reads lines: the ${spec.format} format is not available in follow mode`);

  const ctx = new RunContext({ maxLineLength: spec.maxLineLength, strict: spec.strict });
  let failed = false;
  const reportInputError = (error: UserError): void => {
    failed = true;
    say(`logsift: ${error.message}`);
  };
  const plans = new TypedPlans(query, () => {}, spec.now!);
  const meet = (format: string): void => void plans.forFormat(resolveFormat(format), 'query');
  if (spec.format !== undefined) meet(spec.format);

  const checkpoint = spec.checkpointPath === undefined ? null : await readCheckpoint(spec.checkpointPath);
  const shape = lazyStateShape(() => plans.main(), spec.limits);
  const kept = checkpoint?.state as KeptState | undefined;
  // A running aggregate goes on from the checkpoint when the query is the same (a window starts afresh).
  const base = aggregate && spec.windowMs === undefined && kept?.query === spec.query && kept.format === (spec.format ?? null) ? kept.partial : null;

  const sink: ByteSink = spec.out ?? new FdSink(1);
  const streamed = new FinalPhase(spec, () => plans.main(), collecting, sink, ctx);
  const hooks: PassHooks = {
    bytes: (data) => streamed.bytes(data),
    ready: () => sink.ready(),
    onInputError: reportInputError,
    onFormat: meet,
    reuseBuffers: true,
  };
  const runner = new PassRunner(spec, hooks);
  const formats = new Map<Source, LogFormat>();
  const source = new FollowSource(spec.inputs, {
    from: spec.from,
    resume: checkpoint?.files ?? null,
    ...(spec.pollMs !== undefined ? { pollMs: spec.pollMs } : {}),
    ...(spec.rotateWaitMs !== undefined ? { rotateWaitMs: spec.rotateWaitMs } : {}),
    maxLineLength: ctx.maxLineLength,
    chunkSize: ctx.chunkSize,
    reuseBuffers: true,
    onError: reportInputError,
    onNote: say,
    onLongLine: (name, line, limit) => ctx.diagnostics.lineTooLong(name, line, limit),
    // Detected from the file's own first lines before any of its lines go on, so the parse stage
    // never holds a live file's lines back waiting for enough of them to detect.
    prepare: (s, head) => {
      if (forced) return;
      const format = detectFormat(sampleLines(head));
      if (format) formats.set(s, format);
    },
  });

  // Output of an aggregate: the whole result, every `everyMs` and at the end.
  const window = spec.windowMs !== undefined ? new SlidingWindow(spec.windowMs, Math.max(50, Math.floor(spec.windowMs / 12)), () => shape()) : null;
  let printed = 0;
  let printing: Promise<void> = Promise.resolve();
  /** The result's state so far; null while nothing was collected (no format is known to plan with yet). */
  const current = (): Partial | null => {
    const now = runner.snapshot();
    if (now.table === null && now.counter === null && !base) return null;
    if (window) return window.result(now);
    if (!base) return decodePartial(now, shape());
    const merger = new PartialMerger();
    merger.add(decodePartial(base, shape()));
    merger.add(decodePartial(now, shape()));
    return merger.result();
  };
  const print = (): Promise<void> =>
    (printing = printing.then(async () => {
      const partial = current();
      if (!partial) return;
      if (printed++ > 0 && (spec.output === 'auto' || spec.output === 'table')) sink.write('\n');
      await new FinalPhase(spec, () => plans.main(), collecting, sink, ctx).finish(partial);
    }));

  // Checkpoints: positions taken now, written once the output written before them has drained.
  let lastWritten = -1;
  let writing: Promise<void> = Promise.resolve();
  const saveCheckpoint = (): Promise<void> =>
    (writing = writing.then(async () => {
      if (spec.checkpointPath === undefined || source.deliveries === lastWritten) return;
      const deliveries = source.deliveries;
      const files = source.positions();
      const merged = aggregate && !window ? current() : null;
      // The merged state in wire form (JSON-safe: bigints, instants and NaN survive the codec).
      const state: KeptState | undefined = merged ? { query: spec.query, format: spec.format ?? null, partial: encodePartial(merged) } : undefined;
      await sink.end(); // "end" of a sink only waits for what was queued: writing goes on after it
      const data: Checkpoint = { version: 1, files, ...(state ? { state } : {}) };
      await writeCheckpoint(spec.checkpointPath, data);
      lastWritten = deliveries;
    }));

  const timers: NodeJS.Timeout[] = [];
  if (aggregate) timers.push(setInterval(() => void print().catch(stopWith), spec.everyMs));
  if (window) timers.push(setInterval(() => window.add(runner.cut(), Date.now()), window.bucketMs));
  if (spec.checkpointPath !== undefined) timers.push(setInterval(() => void saveCheckpoint().catch(stopWith), spec.checkpointEveryMs ?? 250));
  let failure: unknown = null;
  function stopWith(error: unknown): void {
    failure ??= error;
    source.stop();
  }
  const onAbort = (): void => source.stop();
  if (spec.signal.aborted) onAbort();
  spec.signal.addEventListener('abort', onAbort, { once: true });

  let partial: Partial;
  try {
    partial = await runner.runBatches(source.batches(), (s) => formats.get(s));
  } finally {
    for (const t of timers) clearInterval(t);
    spec.signal.removeEventListener('abort', onAbort);
  }
  await printing.catch(() => {});
  if (failure) throw failure;
  const missing = plans.failure();
  if (missing) throw missing;
  if (aggregate) await print();
  else await streamed.finish(partial);
  await writing.catch(() => {});
  await saveCheckpoint();
  ctx.diagnostics.mergeData(partial.diagnostics);
  for (const line of ctx.diagnostics.summary()) say(line);
  return failed || ctx.diagnostics.inputErrors.length > 0 ? 1 : 0;
}

/** The first non-blank lines of a file's first bytes, as the parse stage's detection samples them. */
function sampleLines(head: Buffer): string[] {
  const sample: string[] = [];
  let pos = 0;
  while (sample.length < DETECTION_SAMPLE) {
    const nl = head.indexOf(0x0a, pos);
    if (nl < 0) break; // a last line without its newline may be cut: left out
    let end = nl;
    if (end > pos && head[end - 1] === 0x0d) end--;
    const line = decodeText(head, pos, end);
    if (line.trim() !== '') sample.push(line);
    pos = nl + 1;
  }
  return sample;
}
