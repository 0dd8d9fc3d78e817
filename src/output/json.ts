import type { Row, RowSchema } from '../core/row.js';
import { BufferedOut, type TextOut } from './buffered-out.js';
import { rowObjectEncoder } from './json-value.js';
import type { RowWriter } from './writer.js';

/**
 * One JSON array of row objects (keys are the column names), streamed: one object per line
 * between `[` and `]`, so huge results never sit in memory and the text stays greppable.
 * An empty result is `[]`.
 */
export function jsonWriter(schema: RowSchema, out: TextOut): RowWriter {
  const buffered = new BufferedOut(out);
  const encode = rowObjectEncoder(schema.columns);
  let first = true;
  return {
    row(r: Row): void {
      buffered.write((first ? '[\n' : ',\n') + encode(r));
      first = false;
    },
    end(): void {
      buffered.write(first ? '[]\n' : '\n]\n');
      buffered.flush();
    },
    flush: () => buffered.flush(),
  };
}
