import type { LineBatch } from '../core/batch.js';
import type { Value } from '../core/value.js';
import type { RunContext } from '../core/run-context.js';

export type RecordObject = Record<string, Value>;

/**
 * One record as a plain object: its parsed fields, or `{ line }` when no parser ran. Allocates:
 * for user code, not the CLI's hot path.
 */
export function recordOf(b: LineBatch, row: number): RecordObject {
  return b.parser ? b.parser.record(b, row) : { line: b.text(row) };
}

/**
 * Leaves the batch world: calls `fn` for each selected record (parsed when a parser ran, else the
 * line's text under `line`) and yields the results one array per batch. One await per batch.
 */
export function map<T>(ctx: RunContext, fn: (record: RecordObject, b: LineBatch, row: number) => T) {
  const stats = ctx.meters.stage('map');
  return async function* mapStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<T[]> {
    for await (const b of batches) {
      stats.begin(b.selCount);
      const out = new Array<T>(b.selCount);
      for (let i = 0; i < b.selCount; i++) {
        const row = b.sel[i]!;
        out[i] = fn(recordOf(b, row), b, row);
      }
      stats.end(out.length);
      yield out;
    }
  };
}

/** Formats each selected line: `line` gives the original text, `ndjson` the parsed record as JSON. */
export function format(ctx: RunContext, how: 'line' | 'ndjson' | ((record: RecordObject) => string)) {
  const stats = ctx.meters.stage('format');
  return async function* formatStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<string[]> {
    for await (const b of batches) {
      stats.begin(b.selCount);
      const out = new Array<string>(b.selCount);
      for (let i = 0; i < b.selCount; i++) {
        const row = b.sel[i]!;
        if (how === 'line') out[i] = b.text(row);
        else if (how === 'ndjson') out[i] = JSON.stringify(recordOf(b, row));
        else out[i] = how(recordOf(b, row));
      }
      stats.end(out.length);
      yield out;
    }
  };
}
