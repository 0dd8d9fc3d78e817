import { Worker } from 'node:worker_threads';
import { StrictError, UserError } from '../core/errors.js';
import type { Row } from '../core/row.js';
import type { Source } from '../core/source.js';
import { decodeValues } from '../core/value-codec.js';
import { resolveFormat } from '../formats/registry.js';
import { splitIntoRanges } from '../io/read-range.js';
import { sniffSource } from '../io/open.js';
import { makeRowComparator } from '../operators/compare.js';
import { QueryError } from '../query/errors.js';
import { detectSourceFormat } from '../stages/parse.js';
import { lazyStateShape } from './aggregate-sink.js';
import { decodePartial } from './partial-codec.js';
import { PartialMerger, type Partial } from './partial.js';
import type { PassHooks, PassInput } from './pass.js';
import type { CollectorPlan, QueryPlan } from './plan.js';
import type { QueryRunSpec } from './spec.js';
import type { FromWorker, ToWorker, WorkerFailure } from './worker.js';

/** One unit of parallel work: a whole source, or a line-aligned byte range of a plain file. */
export type Unit = PassInput;

/**
 * Below this many bytes of input, a query stays on this thread: starting workers costs more
 * (about 100 ms each to load) than a small input takes to read.
 */
export const PARALLEL_THRESHOLD = 64 * 1024 * 1024;
/** Units a worker gets, about, so that uneven units even out. */
const UNITS_PER_WORKER = 4;
const MAX_RANGE = 64 * 1024 * 1024;

/**
 * The threshold and the smallest byte range, which tests lower (LOGSIFT_PARALLEL_BYTES) to run
 * small files on workers: the splitting logic is the same at any size.
 */
function sizes(): { threshold: number; minRange: number } {
  const fromEnv = Number(process.env['LOGSIFT_PARALLEL_BYTES']);
  const threshold = Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : PARALLEL_THRESHOLD;
  return { threshold, minRange: Math.min(16 * 1024 * 1024, Math.max(1, Math.floor(threshold / 4))) };
}

/**
 * Whether to run on worker threads: not with one job, not for small inputs, not for standard input
 * and pipes (which cannot be split or shared), and not when a head among the filters must see the
 * records in input order (`head 10 | count`), nor for bare `head`, which reads a few chunks.
 */
export function runsInParallel(spec: QueryRunSpec, plan: QueryPlan, collecting: CollectorPlan, sources: readonly Source[]): boolean {
  if ((spec.jobs ?? 1) <= 1 || sources.length === 0) return false;
  if (collecting.kind === 'raw' || plan.recordSteps.some((s) => s.kind === 'head')) return false;
  if (sources.some((s) => s.path === null || s.size === null)) return false;
  return sources.reduce((n, s) => n + (s.size ?? 0), 0) >= sizes().threshold;
}

/**
 * The units of work, in input order. Plain files are cut into line-aligned byte ranges, each read
 * by its worker from disk; a compressed file is one unit. The format of a file that is cut is
 * detected here, from its first lines, as a pass would: a later range cannot see the file's start.
 */
export async function planUnits(spec: QueryRunSpec, sources: readonly Source[]): Promise<Unit[]> {
  const jobs = spec.jobs ?? 1;
  const total = sources.reduce((n, s) => n + (s.size ?? 0), 0);
  const { minRange } = sizes();
  const rangeSize = Math.min(MAX_RANGE, Math.max(minRange, Math.ceil(total / (jobs * UNITS_PER_WORKER))));
  const units: Unit[] = [];
  // A format that rewrites its bytes (xml:) reads each document whole.
  const whole = spec.format !== undefined && resolveFormat(spec.format).transform !== undefined;
  for (const source of sources) {
    const size = source.size ?? 0;
    if (whole || size < 2 * rangeSize || (await sniffSource(source)) !== null) {
      units.push({ source });
      continue;
    }
    const format = spec.format ?? (await detectSourceFormat(source, spec.maxLineLength))?.name;
    if (format === undefined) {
      units.push({ source }); // its pass reports that no format fits
      continue;
    }
    for (const range of splitIntoRanges(size, Math.ceil(size / rangeSize), minRange)) {
      units.push({ source: { ...source, range }, format });
    }
  }
  return units;
}

interface UnitState {
  /** Output pieces that arrived before this unit's turn to be written, with the worker to credit. */
  readonly pieces: (() => void)[];
  partial: Partial | null;
  failure: WorkerFailure | null;
}

/**
 * Runs the units on a pool of worker threads and merges what they produce into what one pass over
 * all of them would have given: streamed output (lines, rows) is handed on in input order, the
 * unit whose turn it is first, later units' output held until then (bounded by the credits each
 * worker has); partials are merged in input order as units finish. A failure ends the run with
 * the error the same input gives on one thread (for --strict, the first bad line in input order).
 */
export async function runParallel(
  spec: QueryRunSpec,
  sources: readonly Source[],
  hooks: PassHooks,
  plan: () => QueryPlan,
  collecting: CollectorPlan,
): Promise<Partial> {
  const jobs = spec.jobs ?? 1;
  const workerUrl = spec.workerUrl ?? new URL('./worker-main.js', import.meta.url);
  const workers: Worker[] = [];
  let units: readonly Unit[] = [];
  let states: UnitState[] = [];
  const merger = new PartialMerger(
    collecting.kind === 'topRows' ? { n: collecting.n, compare: makeRowComparator(collecting.keys) } : undefined,
  );
  const stateShape = lazyStateShape(plan, spec.limits);


  let next = 0; // the unit whose output is written now
  let dispatched = 0;
  let settled = 0; // units done or failed
  let stopping = false;
  // The unit whose rows satisfied a downstream head: units after it were read ahead, not asked
  // for, so their malformed lines and counts are not reported (one thread never reads them).
  let lastCounted = Number.POSITIVE_INFINITY;
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });

  const stopAll = (): void => {
    if (stopping) return;
    stopping = true;
    for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  const dispatch = (worker: Worker): void => {
    if (stopping || dispatched >= units.length) return;
    const unit = dispatched++;
    worker.postMessage({ type: 'run', unit, spec: passSpec(spec), input: units[unit]!, keepMalformed: hooks.malformed !== undefined } satisfies ToWorker);
  };
  /** Writes what the unit whose turn it is holds, and moves on past finished units, in order. */
  const advance = (): void => {
    while (next < states.length) {
      const state = states[next]!;
      for (const write of state.pieces.splice(0)) write();
      if (state.failure) throw failureError(state.failure, units[next]!, merger);
      if (!state.partial) return;
      if (next <= lastCounted) merger.add(state.partial);
      state.partial = null;
      next++;
    }
  };
  /** Output of a unit: written now when it is the unit's turn, else held (its worker waits for credit). */
  const piece = (worker: Worker, unit: number, write: () => void): void => {
    const ack = (): void => worker.postMessage({ type: 'ack' } satisfies ToWorker);
    const run = (): void => {
      if (!stopping) write();
      // The credit goes back once the output has room: a slow consumer slows the workers.
      const wait = stopping ? undefined : hooks.ready?.();
      if (wait) wait.then(ack, ack);
      else ack();
    };
    if (unit === next) run();
    else states[unit]!.pieces.push(run);
  };

  const onMessage = (worker: Worker, message: FromWorker): void => {
    const state = states[message.unit]!;
    switch (message.type) {
      case 'bytes':
        piece(worker, message.unit, () =>
          hooks.bytes?.(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength)),
        );
        return;
      case 'malformed':
        piece(worker, message.unit, () =>
          hooks.malformed?.(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength)),
        );
        return;
      case 'rows':
        piece(worker, message.unit, () => {
          if (hooks.rows?.(message.columns, message.rows.map((r) => decodeValues(r)) as Row[]) === false) {
            lastCounted = Math.min(lastCounted, message.unit);
            stopAll();
          }
        });
        return;
      case 'format':
        hooks.onFormat?.(message.format);
        return;
      case 'inputError':
        hooks.onInputError?.(new UserError(message.message, 1));
        return;
      case 'done':
        state.partial = decodePartial(message.partial, stateShape());
        break;
      case 'failed':
        state.failure = message.failure;
        stopAll();
        break;
    }
    // A unit ended: the worker takes the next one; write what can be written; finish when all are in.
    settled++;
    dispatch(worker);
    try {
      advance();
    } catch (error) {
      settle(error);
      return;
    }
    if (next === states.length || (stopping && settled === dispatched)) settle();
  };

  try {
    // Workers load while the units are planned (a file's format is detected from its head).
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(workerUrl, { workerData: { logsiftWorker: true } });
      workers.push(worker);
      worker.on('message', (m: FromWorker) => onMessage(worker, m));
      worker.on('error', (error) => settle(error));
    }
    units = await planUnits(spec, sources);
    states = units.map(() => ({ pieces: [], partial: null, failure: null }));
    for (const worker of workers) dispatch(worker);
    if (units.length === 0) settle();
    await finished;
    // After a stop (a head downstream was satisfied), the units up to the one that satisfied it
    // count, even when they finished before their turn came.
    for (; next < states.length && next <= lastCounted; next++) {
      const partial = states[next]!.partial;
      if (partial) merger.add(partial);
    }
    return merger.result();
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The plain-data part of the run spec, as a worker needs it. */
function passSpec(spec: QueryRunSpec): QueryRunSpec {
  return {
    query: spec.query,
    ...(spec.format !== undefined ? { format: spec.format } : {}),
    output: spec.output,
    strict: spec.strict,
    maxLineLength: spec.maxLineLength,
    limits: spec.limits,
    // One now and one time window for every thread of the run.
    ...(spec.now !== undefined ? { now: spec.now } : {}),
    ...(spec.since !== undefined ? { since: spec.since } : {}),
    ...(spec.until !== undefined ? { until: spec.until } : {}),
    inputs: [],
    profile: false,
  };
}

/** The error a failed unit gives, as one thread would have given it (line numbers counted from the file's start). */
function failureError(failure: WorkerFailure, unit: Unit, merger: PartialMerger): Error {
  switch (failure.kind) {
    case 'strict':
      return new StrictError(failure.source, failure.line + (unit.source.range ? merger.linesBefore(failure.source) : 0), failure.format, failure.reason);
    case 'query':
      return new QueryError(failure.message, failure.column, failure.unknownField);
    case 'user':
      return new UserError(failure.message, failure.exitCode);
    case 'internal': {
      const error = new Error(failure.message);
      if (failure.stack) error.stack = failure.stack;
      return error;
    }
  }
}

