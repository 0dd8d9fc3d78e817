import type { Row, RowSchema } from '../core/row.js';
import type { RowSink } from './row-sink.js';

/** `fields a, b`: keeps the columns at `indices`, in that order (an index may repeat). */
export function projectFields(indices: readonly number[], next: RowSink): RowSink {
  const width = indices.length;
  return {
    row(r: Row): boolean | void {
      const out: Row = new Array(width);
      for (let i = 0; i < width; i++) out[i] = r[indices[i]] ?? null;
      return next.row(out);
    },
    end(): void {
      next.end();
    },
  };
}

/** The schema after projectFields: the chosen columns, and the estimates among them. */
export function projectSchema(schema: RowSchema, indices: readonly number[]): RowSchema {
  const columns = indices.map((i) => {
    const name = schema.columns[i];
    if (name === undefined) throw new RangeError(`no column ${i} in [${schema.columns.join(', ')}]`);
    return name;
  });
  const estimates: Record<string, string> = {};
  for (const name of columns) {
    const error = schema.estimates?.[name];
    if (error !== undefined) estimates[name] = error;
  }
  return { columns, estimates };
}
