import type { LineBatch } from '../core/batch.js';
import { LINE_FIELD, type FieldReader, type FieldType } from '../core/format.js';
import type { Value } from '../core/value.js';
import { numberFromText } from './bytes.js';

/**
 * `line`, the raw line, a field of every format (issue 8): any log can be filtered and grouped
 * (`line contains "timeout" | count by host`) whatever its layout. Its text is the line's bytes as
 * they are, so comparisons run on bytes through span() and never decode a line that does not match.
 * It wins over a JSON or logfmt key named `line` (ARCHITECTURE.md says why).
 */
export class LineReader implements FieldReader {
  readonly name = LINE_FIELD.name;
  readonly type: FieldType = LINE_FIELD.type;

  str(b: LineBatch, row: number): string {
    return b.text(row);
  }

  num(b: LineBatch, row: number): number {
    return numberFromText(b.text(row));
  }

  value(b: LineBatch, row: number): Value {
    return b.text(row);
  }

  span(b: LineBatch, row: number, out: Int32Array): Uint8Array {
    out[0] = b.starts[row]!;
    out[1] = b.ends[row]!;
    return b.buf;
  }
}

/** One reader serves every parser: it keeps no state. */
export const LINE_READER = new LineReader();

/** A fixed-field format's fields with `line` last (unless it is there already). */
export function withLineField<T extends { readonly name: string }>(fields: readonly T[]): (T | typeof LINE_FIELD)[] {
  return fields.some((f) => f.name === LINE_FIELD.name) ? [...fields] : [...fields, LINE_FIELD];
}
