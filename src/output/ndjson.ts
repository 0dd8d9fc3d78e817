import type { Row, RowSchema } from '../core/row.js';
import { BufferedOut, type TextOut } from './buffered-out.js';
import { rowObjectEncoder } from './json-value.js';
import type { RowWriter } from './writer.js';

/** Newline-delimited JSON: one row object per line, keys are the column names. */
export function ndjsonWriter(schema: RowSchema, out: TextOut): RowWriter {
  const buffered = new BufferedOut(out);
  const encode = rowObjectEncoder(schema.columns);
  return {
    row(r: Row): void {
      buffered.write(encode(r) + '\n');
    },
    end: () => buffered.flush(),
    flush: () => buffered.flush(),
  };
}
