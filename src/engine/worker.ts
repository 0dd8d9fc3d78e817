import { parentPort } from 'node:worker_threads';
import { StrictError, UserError } from '../core/errors.js';
import { encodeValues } from '../core/value-codec.js';
import { QueryError } from '../query/errors.js';
import { encodePartial } from './partial-codec.js';
import { PassRunner, type PassHooks, type PassInput } from './pass.js';
import type { PassSpec } from './spec.js';

/** Messages from the pool to a worker. */
export type ToWorker =
  | { readonly type: 'run'; readonly unit: number; readonly spec: PassSpec; readonly input: PassInput; readonly keepMalformed: boolean }
  /** The pool wrote one more of this worker's output pieces: one more may be in flight. */
  | { readonly type: 'ack' }
  /** No more output is wanted (a head downstream is satisfied): end the current pass early. */
  | { readonly type: 'stop' };

/** Why a unit failed, as data: enough to throw the same error on the other side. */
export type WorkerFailure =
  | { readonly kind: 'strict'; readonly source: string; readonly line: number; readonly format: string; readonly reason?: string }
  | { readonly kind: 'query'; readonly message: string; readonly column: number; readonly unknownField?: string }
  | { readonly kind: 'user'; readonly message: string; readonly exitCode: number }
  | { readonly kind: 'internal'; readonly message: string; readonly stack?: string };

/** Messages from a worker to the pool; every one names the unit it is about. */
export type FromWorker =
  | { readonly type: 'bytes'; readonly unit: number; readonly data: Uint8Array }
  /** Malformed lines for `--malformed FILE`, credited like output bytes. */
  | { readonly type: 'malformed'; readonly unit: number; readonly data: Uint8Array }
  | { readonly type: 'rows'; readonly unit: number; readonly columns: readonly string[]; readonly rows: unknown[][] }
  | { readonly type: 'format'; readonly unit: number; readonly format: string }
  | { readonly type: 'inputError'; readonly unit: number; readonly message: string }
  | { readonly type: 'done'; readonly unit: number; readonly partial: ReturnType<typeof encodePartial> }
  | { readonly type: 'failed'; readonly unit: number; readonly failure: WorkerFailure };

/** Output pieces a worker may have sent and not yet seen written: bounds the pool's buffering. */
export const PIECES_IN_FLIGHT = 4;

/**
 * The worker-thread side of parallel passes: runs the units it is given, one at a time, with the
 * same runPass as the main thread, and posts their streamed output (transferring the bytes, not
 * copying them), their failures, and their partials. Output waits for credits (`ack`), so a slow
 * consumer slows the workers instead of filling memory.
 */
export function serveWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('serveWorker runs in a worker thread');
  let inFlight = 0;
  let wake: (() => void) | null = null;
  let stopped = false;
  const post = (message: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(message, transfer ?? []);

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'ack':
        inFlight--;
        wake?.();
        return;
      case 'stop':
        stopped = true;
        wake?.();
        return;
      case 'run':
        void runUnit(message);
        return;
    }
  });

  // One runner for every unit of the run: its compiled parsers and predicates stay warm.
  let runner: PassRunner | null = null;
  let unit = -1;
  const send = (type: 'bytes' | 'malformed', data: Buffer): void => {
    inFlight++;
    const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : Buffer.from(data);
    post({ type, unit, data: own }, [own.buffer as ArrayBuffer]);
  };
  const hooks: PassHooks = {
    bytes: (data) => send('bytes', data),
    rows: (columns, rows) => {
      inFlight++;
      post({ type: 'rows', unit, columns, rows: rows.map((r) => encodeValues(r)) });
      return !stopped;
    },
    ready: () => (inFlight >= PIECES_IN_FLIGHT && !stopped ? new Promise<void>((resolve) => (wake = resolve)) : undefined),
    stopped: () => stopped,
    onFormat: (format) => post({ type: 'format', unit, format }),
    onInputError: (error) => post({ type: 'inputError', unit, message: error.message }),
  };

  async function runUnit(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
    unit = message.unit;
    try {
      runner ??= new PassRunner(message.spec, message.keepMalformed ? { ...hooks, malformed: (data) => send('malformed', data) } : hooks);
      const partial = await runner.run([message.input]);
      post({ type: 'done', unit: message.unit, partial: encodePartial(partial) });
    } catch (error) {
      post({ type: 'failed', unit: message.unit, failure: describeFailure(error) });
    }
  }
}

function describeFailure(error: unknown): WorkerFailure {
  if (error instanceof StrictError) {
    return { kind: 'strict', source: error.source, line: error.line, format: error.format, ...(error.reason !== undefined ? { reason: error.reason } : {}) };
  }
  if (error instanceof QueryError) {
    return { kind: 'query', message: error.message, column: error.column, ...(error.unknownField ? { unknownField: error.unknownField } : {}) };
  }
  if (error instanceof UserError) return { kind: 'user', message: error.message, exitCode: error.exitCode };
  const e = error instanceof Error ? error : new Error(String(error));
  return { kind: 'internal', message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}
