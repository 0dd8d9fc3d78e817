/**
 * Conditions over Rows, for `where` after an aggregate (`count by host | where count > 10`).
 * Rows are few next to records, so this path favours plain code over byte tricks; it shares
 * the comparison rules of the record phase (semantics.ts), missing values included.
 */
import type { Row } from '../core/row.js';
import type { Value } from '../core/value.js';
import type { Expr, FieldRef, Literal, Operand, TextExpr } from './ast.js';
import { QueryError } from './errors.js';
import { satisfiesComparison, flip, literalText, literalValue, toText } from './semantics.js';

export type RowPredicate = (row: Row) => boolean;
type RowValue = (row: Row) => Value;

export function compileRowPredicate(expr: Expr, columns: readonly string[]): RowPredicate {
  switch (expr.kind) {
    case 'bool': {
      const v = expr.value;
      return () => v;
    }
    case 'and': {
      const l = compileRowPredicate(expr.left, columns);
      const r = compileRowPredicate(expr.right, columns);
      return (row) => l(row) && r(row);
    }
    case 'or': {
      const l = compileRowPredicate(expr.left, columns);
      const r = compileRowPredicate(expr.right, columns);
      return (row) => l(row) || r(row);
    }
    case 'not': {
      const inner = compileRowPredicate(expr.operand, columns);
      return (row) => !inner(row);
    }
    case 'truthy': {
      const get = columnGetter(expr.field, columns);
      return (row) => get(row) === true;
    }
    case 'compare': {
      let { op, left, right } = expr;
      if (left.kind !== 'field' && right.kind === 'field') [left, right, op] = [right, left, flip(op)];
      const l = operandGetter(left, columns);
      if (right.kind !== 'field') {
        const v = literalValue(right);
        return (row) => satisfiesComparison(op, l(row), v);
      }
      const r = operandGetter(right, columns);
      return (row) => satisfiesComparison(op, l(row), r(row));
    }
    case 'text': {
      const test = TEXT_TESTS[expr.op];
      const l = textGetter(expr.left, columns);
      const r = textGetter(expr.right, columns);
      return (row) => {
        const s = l(row);
        const t = r(row);
        return s !== undefined && t !== undefined && test(s, t);
      };
    }
    case 'matches': {
      const regex = expr.regex;
      const get = textGetter(expr.subject, columns);
      return (row) => {
        const s = get(row);
        return s !== undefined && regex.test(s);
      };
    }
    case 'in': {
      const get = operandGetter(expr.subject, columns);
      const values = expr.values.map(literalValue);
      const negated = expr.negated;
      return (row) => {
        const v = get(row);
        let hit = false;
        for (let i = 0; i < values.length && !hit; i++) hit = satisfiesComparison('==', v, values[i]);
        return hit !== negated;
      };
    }
  }
}

const TEXT_TESTS: Readonly<Record<TextExpr['op'], (s: string, lit: string) => boolean>> = {
  contains: (s, lit) => s.includes(lit),
  startswith: (s, lit) => s.startsWith(lit),
  endswith: (s, lit) => s.endsWith(lit),
};

function columnIndex(ref: FieldRef, columns: readonly string[]): number {
  let i = columns.indexOf(ref.name);
  if (i < 0 && ref.name.toLowerCase() === 'count') i = columns.indexOf('count');
  if (i < 0) throw new QueryError(`unknown column '${ref.name}' (columns: ${columns.join(', ')})`, ref.start);
  return i;
}

function columnGetter(ref: FieldRef, columns: readonly string[]): RowValue {
  const i = columnIndex(ref, columns);
  return (row) => row[i] ?? null;
}

function operandGetter(op: Operand, columns: readonly string[]): RowValue {
  if (op.kind === 'field') return columnGetter(op, columns);
  const v = literalValue(op as Literal);
  return () => v;
}

function textGetter(op: Operand, columns: readonly string[]): (row: Row) => string | undefined {
  if (op.kind !== 'field') {
    const text = literalText(op);
    return () => text;
  }
  const get = columnGetter(op, columns);
  return (row) => toText(get(row));
}
