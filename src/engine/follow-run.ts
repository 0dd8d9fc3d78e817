import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LineBatch } from '../core/batch.js';
import { UsageError, type UserError } from '../core/errors.js';
import type { LogFormat } from '../core/format.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { resolveFormat } from '../formats/registry.js';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from '../io/follow/checkpoint.js';
import { FollowSource } from '../io/follow/follow-source.js';
import { FdSink, FileSink, type ByteSink } from '../output/sink.js';
import { detectHeadFormat } from '../stages/parse.js';
import { AlertActions } from './alert-actions.js';
import { AlertRule, eventJson } from './alerts.js';
import { lazyStateShape } from './aggregate-sink.js';
import { Branch, refuseSharedStreams } from './branch.js';
import { FinalPhase } from './final.js';
import { PartialMerger, type Partial } from './partial.js';
import { decodePartial, encodePartial, type EncodedPartial, type StateShape } from './partial-codec.js';
import type { FanOutOutput } from './run-fan-out.js';
import { runSharedRead } from './shared-read.js';
import { SlidingWindow } from './sliding-window.js';
import type { PassSpec } from './spec.js';

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
  /** `-e QUERY [-o FILE]`: several queries over the one read (else `query`, to `out`). */
  readonly outputs?: readonly FanOutOutput[];
  /** `--drop-when-full`: a full output drops and counts its lines instead of slowing reading. */
  readonly dropWhenFull?: boolean;
  /** `--alert QUERY` (repeatable), with `--for`, `--exec`, `--webhook`. */
  readonly alerts?: AlertSpec;
}

export interface AlertSpec {
  readonly rules: readonly string[];
  readonly forMs: number;
  readonly exec?: string | undefined;
  readonly webhook?: string | undefined;
  readonly maxActionsPerMinute: number;
}

/** What a checkpoint keeps besides positions: each running aggregate, with the query it belongs to. */
interface KeptState {
  readonly query: string;
  readonly format: string | null;
  readonly partial: EncodedPartial;
}

/** One output of a follow run: a query's branch, and how its results go out. */
interface LiveOutput {
  readonly branch: Branch;
  readonly aggregate: boolean;
  readonly window: SlidingWindow | null;
  /** A running aggregate's state from the checkpoint, merged into every result. */
  readonly base: EncodedPartial | null;
  readonly shape: () => StateShape;
  /** Set for an `--alert` rule: its result is judged, never printed. */
  readonly alert: AlertRule | null;
  printed: number;
}

/**
 * Follows the inputs with every query's record phase running as an endless pass over one shared
 * read and parse (FollowSource's batches through runSharedRead): the positional query or each
 * `-e`, and each `--alert`. A filter's lines go out as they arrive (each batch's output handed on
 * before the next is read); an aggregate's result is printed every `everyMs` from its running
 * pass's snapshot (or its sliding window's buckets), and once more at the end; an alert's result
 * is judged every `everyMs`, and its events are written as JSON lines and sent to its actions.
 * Returns the exit code: 0, or 1 when an input failed along the way or an output dropped lines.
 *
 * Delivery: a file's checkpoint offset is the end of the last complete line that every output
 * took, and whose output was written (the sinks drained), before the checkpoint was taken: the
 * positions and the running states are taken together between two batches, when no batch is on
 * its way through the outputs. A restart resumes exactly after it. Stopped through `signal`
 * (SIGINT/SIGTERM), the last checkpoint is written after the final output: every line is
 * delivered exactly once across restarts. Killed without warning, at most the lines after the
 * last periodic checkpoint come again.
 */
export async function runFollow(given: FollowRunSpec): Promise<number> {
  const spec: FollowRunSpec = given.now === undefined ? { ...given, now: Date.now() } : given;
  const say = spec.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const sink: ByteSink = spec.out ?? new FdSink(1);
  const forced = spec.format === undefined ? undefined : resolveFormat(spec.format);
  if (forced?.transform) throw new UsageError(`follow reads lines: the ${spec.format} format is not available in follow mode`);

  const ctx = new RunContext({ maxLineLength: spec.maxLineLength, strict: spec.strict, reuseBuffers: true });
  let failed = false;
  const reportInputError = (error: UserError): void => {
    failed = true;
    say(`logsift: ${error.message}`);
  };
  const checkpoint = spec.checkpointPath === undefined ? null : await readCheckpoint(spec.checkpointPath);
  const keptStates = keptOf(checkpoint?.state);

  const requested: { query: string; sink: ByteSink; label: string; option?: string | undefined; alert: AlertRule | null }[] = [
    ...(spec.outputs ?? (spec.alerts && spec.query === '' ? [] : [{ query: spec.query, sink, label: 'standard output' }])).map((o) => ({ ...o, alert: null })),
    ...(spec.alerts?.rules ?? []).map((rule) => ({ query: rule, sink, label: `--alert '${rule}'`, option: '--alert', alert: new AlertRule(rule, spec.alerts!.forMs) })),
  ];
  const outputs = requested.map((o): LiveOutput => {
    const branch = new Branch({ spec: { ...spec, query: o.query }, sink: o.sink, label: o.label, option: o.option, dropWhenFull: spec.dropWhenFull ?? false }, ctx, reportInputError);
    checkFollowable(branch, o.alert !== null);
    const aggregate = branch.collecting.kind === 'aggregate';
    const shape = lazyStateShape(() => branch.plans.main(), spec.limits);
    const kept = keptStates.find((k) => k.query === o.query && k.format === (spec.format ?? null));
    return {
      branch,
      aggregate,
      shape,
      alert: o.alert,
      window: aggregate && spec.windowMs !== undefined ? new SlidingWindow(spec.windowMs, Math.max(50, Math.floor(spec.windowMs / 12)), shape) : null,
      // A running aggregate goes on from the checkpoint when the query is the same (a window starts afresh).
      base: aggregate && spec.windowMs === undefined && kept ? kept.partial : null,
      printed: 0,
    };
  });
  refuseSharedStreams(outputs.map((o) => o.branch));
  // With several outputs the window is the aggregates' (filters beside them print as lines arrive).
  if (spec.windowMs !== undefined && !outputs.some((o) => o.aggregate)) {
    throw new UsageError('--window needs an aggregate (count, sum, ... by ...): a filter prints each line as it arrives');
  }
  const actions = new AlertActions({
    exec: spec.alerts?.exec,
    webhook: spec.alerts?.webhook,
    maxPerMinute: spec.alerts?.maxActionsPerMinute ?? 60,
    say,
  });

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
      const format = detectHeadFormat(s, head, ctx.maxLineLength);
      if (format) formats.set(s, format);
    },
  });

  /** An aggregate's state so far; null while nothing was collected (no format is known to plan with yet). */
  const current = (o: LiveOutput): Partial | null => {
    const now = o.branch.runner.snapshot();
    if (now.table === null && now.counter === null && !o.base) return null;
    if (o.window) return o.window.result(now);
    if (!o.base) return decodePartial(now, o.shape());
    const merger = new PartialMerger();
    merger.add(decodePartial(o.base, o.shape()));
    merger.add(decodePartial(now, o.shape()));
    return merger.result();
  };
  let printing: Promise<void> = Promise.resolve();
  /** Every aggregate's result printed, and every alert judged, in the order of the outputs. */
  const tick = (): Promise<void> =>
    (printing = printing.then(async () => {
      const now = Date.now();
      for (const o of outputs) {
        if (!o.aggregate) continue;
        const partial = current(o);
        if (o.alert) {
          const result = partial ? o.branch.final.resultRows(partial) : { columns: [], keys: [], rows: [] };
          for (const event of o.alert.evaluate(result, now)) {
            // As bytes: text would wait in the sink for more to gather, and an event must go out now.
            sink.write(Buffer.from(eventJson(event) + '\n'));
            actions.send(event, now);
          }
          continue;
        }
        if (!partial) continue;
        if (o.printed++ > 0 && (spec.output === 'auto' || spec.output === 'table')) o.branch.output.sink.write('\n');
        await new FinalPhase(spec, () => o.branch.plans.main(), o.branch.collecting, o.branch.output.sink, ctx).finish(partial);
      }
    }));

  // Checkpoints: positions and running states taken together when no batch is on its way through
  // the outputs, written once the output written before them has drained.
  let inFlight = false;
  let due = false;
  let taken: { deliveries: number; data: Checkpoint } | null = null;
  let lastWritten = -1;
  let writing: Promise<void> = Promise.resolve();
  const take = (): void => {
    due = false;
    const states: KeptState[] = [];
    for (const o of outputs) {
      const merged = o.aggregate && !o.window && !o.alert ? current(o) : null;
      // The merged state in wire form (JSON-safe: bigints, instants and NaN survive the codec).
      if (merged) states.push({ query: o.branch.output.spec.query, format: spec.format ?? null, partial: encodePartial(merged) });
    }
    taken = { deliveries: source.deliveries, data: { version: 1, files: source.positions(), ...(states.length > 0 ? { state: states } : {}) } };
  };
  const saveCheckpoint = (): Promise<void> =>
    (writing = writing.then(async () => {
      const next = taken;
      if (spec.checkpointPath === undefined || next === null || next.deliveries === lastWritten) return;
      // "end" of a sink only waits for what was queued: writing goes on after it
      await Promise.all([...new Set(outputs.map((o) => o.branch.output.sink))].map((s) => s.end()));
      await writeCheckpoint(spec.checkpointPath, next.data);
      lastWritten = next.deliveries;
    }));
  const checkpointTick = (): void => {
    if (inFlight) due = true;
    else take();
    void saveCheckpoint().catch(stopWith);
  };

  const timers: NodeJS.Timeout[] = [];
  if (outputs.some((o) => o.aggregate)) timers.push(setInterval(() => void tick().catch(stopWith), spec.everyMs));
  for (const o of outputs) {
    const window = o.window;
    if (window) timers.push(setInterval(() => window.add(o.branch.runner.cut(), Date.now()), window.bucketMs));
  }
  if (spec.checkpointPath !== undefined) timers.push(setInterval(checkpointTick, spec.checkpointEveryMs ?? 250));
  let failure: unknown = null;
  function stopWith(error: unknown): void {
    failure ??= error;
    source.stop();
  }
  const onAbort = (): void => source.stop();
  if (spec.signal.aborted) onAbort();
  spec.signal.addEventListener('abort', onAbort, { once: true });

  const batches = markInFlight(skipOwnOutputs(source.batches(), outputs.map((o) => o.branch.output.sink), say), () => (inFlight = true));
  try {
    await runSharedRead(ctx, outputs.map((o) => o.branch), batches, {
      forced,
      formatFor: (s) => formats.get(s),
      afterBatch: () => {
        inFlight = false;
        if (due) take();
      },
    });
  } finally {
    for (const t of timers) clearInterval(t);
    spec.signal.removeEventListener('abort', onAbort);
  }
  await printing.catch(() => {});
  if (failure) throw failure;
  for (const o of outputs) {
    const missing = o.branch.missingField();
    if (missing) throw missing;
  }
  await tick();
  const partials: Partial[] = [];
  for (const o of outputs) {
    const partial = await o.branch.result();
    partials.push(partial);
    if (!o.aggregate) await o.branch.final.finish(partial);
  }
  await writing.catch(() => {});
  take();
  await saveCheckpoint();
  await sink.end();
  await actions.settle(2000);
  let dropped = false;
  for (const partial of partials) ctx.diagnostics.mergeData(partial.diagnostics);
  for (const o of outputs) {
    if (o.branch.droppedLines === 0) continue;
    dropped = true;
    say(`logsift: ${o.branch.output.label}: ${o.branch.droppedLines.toLocaleString('en-US')} lines dropped while the output was full (--drop-when-full)`);
  }
  for (const line of ctx.diagnostics.summary()) say(line);
  return failed || dropped || ctx.diagnostics.inputErrors.length > 0 ? 1 : 0;
}

/** What follow mode can answer: lines as they arrive, NDJSON/JSON records, or an aggregate's result. */
function checkFollowable(branch: Branch, alert: boolean): void {
  const { kind } = branch.collecting;
  const { spec } = branch.output;
  if (alert) {
    if (kind !== 'aggregate') {
      throw new UsageError(`--alert '${spec.query}': an alert is an aggregate whose rows are the firing alerts, e.g. 'status >= 500 | count by host | where count > 10'`);
    }
    return;
  }
  if (kind === 'rows' || kind === 'topRows' || (kind === 'records' && !(spec.output === 'json' || spec.output === 'ndjson'))) {
    throw new UsageError("follow prints matching lines (or --json/--ndjson records) or an aggregate's result; 'fields', 'sort' before an aggregate, --csv and --table of a filter are not available in follow mode");
  }
}

/** The running states of a checkpoint (a list; one object in checkpoints of a single query). */
function keptOf(state: unknown): KeptState[] {
  if (state === undefined || state === null) return [];
  return (Array.isArray(state) ? state : [state]) as KeptState[];
}

/**
 * Leaves out the lines of files this run writes (`-o` files inside a followed directory or glob):
 * following its own output would feed it back into itself without end. Said once per file.
 */
async function* skipOwnOutputs(batches: AsyncIterable<LineBatch>, sinks: readonly ByteSink[], say: (line: string) => void): AsyncGenerator<LineBatch> {
  const own = new Set<string>();
  for (const sink of sinks) if (sink instanceof FileSink) own.add(realPathOf(sink.path));
  if (own.size === 0) return yield* batches;
  const skipped = new Set<string>();
  const known = new Map<string, boolean>();
  for await (const b of batches) {
    const path = b.source.path;
    if (path !== null) {
      let isOwn = known.get(path);
      if (isOwn === undefined) known.set(path, (isOwn = own.has(realPathOf(path))));
      if (isOwn) {
        if (!skipped.has(path)) {
          skipped.add(path);
          say(`logsift: ${path}: an output of this run (-o), so its lines are not followed`);
        }
        continue;
      }
    }
    yield b;
  }
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Passes batches on, telling when each is handed out (it is then on its way through the outputs). */
async function* markInFlight(batches: AsyncIterable<LineBatch>, handed: () => void): AsyncGenerator<LineBatch> {
  for await (const b of batches) {
    handed();
    yield b;
  }
}
