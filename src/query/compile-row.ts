/**
 * Conditions over Rows, for `where` after an aggregate (`count by host | where count > 10`): the
 * record phase's own compiler (compile-predicate.ts) over readers that take a Row's cells, so the
 * two phases cannot disagree on what a comparison means, missing values included.
 */
import type { FieldReader, ReaderScope } from '../core/format.js';
import type { Row } from '../core/row.js';
import type { Expr } from './ast.js';
import { compilePredicate } from './compile-predicate.js';
import { QueryError } from './errors.js';
import { toNumber, toText } from './semantics.js';

export type RowPredicate = (row: Row) => boolean;

export function compileRowPredicate(expr: Expr, columns: readonly string[]): RowPredicate {
  const predicate = compilePredicate(expr, rowScope(columns));
  return (row) => predicate(row, 0);
}

/**
 * Readers over the cells of rows with these columns. Cells hold any kind of value, so the readers
 * are typed `any` and compare by what each value is (see semantics.ts). An unknown column is a
 * query error, named with the columns there are.
 */
export function rowScope(columns: readonly string[]): ReaderScope<Row> {
  return {
    reader(name: string, at = 0): FieldReader<Row> {
      let i = columns.indexOf(name);
      if (i < 0 && name.toLowerCase() === 'count') i = columns.indexOf('count');
      if (i < 0) throw new QueryError(`unknown column '${name}' (columns: ${columns.join(', ')})`, at);
      return {
        name,
        type: 'any',
        str: (r) => toText(r[i] ?? null),
        num: (r) => toNumber(r[i] ?? null),
        value: (r) => r[i] ?? null,
      };
    },
  };
}
