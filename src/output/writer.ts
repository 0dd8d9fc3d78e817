import type { Row, RowSchema } from '../core/row.js';
import type { TextOut } from './buffered-out.js';
import { csvWriter } from './csv.js';
import { jsonWriter } from './json.js';
import { ndjsonWriter } from './ndjson.js';
import { tableWriter } from './table.js';

export type WriterKind = 'table' | 'json' | 'ndjson' | 'csv';

/**
 * Writes rows of one schema as text. It has the shape of an operator's RowSink, so it can end a
 * chain of operators directly.
 */
export interface RowWriter {
  row(r: Row): void;
  /** Writes what remains (closing bracket, buffered table) and flushes. Call exactly once. */
  end(): void;
  /** Pushes buffered text to `out` now (e.g. after each batch when following a file). */
  flush(): void;
}

export function createWriter(kind: WriterKind, schema: RowSchema, out: TextOut): RowWriter {
  switch (kind) {
    case 'table':
      return tableWriter(schema, out);
    case 'json':
      return jsonWriter(schema, out);
    case 'ndjson':
      return ndjsonWriter(schema, out);
    case 'csv':
      return csvWriter(schema, out);
    default:
      throw new RangeError(`unknown output format: ${String(kind satisfies never)}`);
  }
}
