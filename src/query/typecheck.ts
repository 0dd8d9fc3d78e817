/**
 * Type checking: resolves every name against what the stage can see, checks operand and
 * aggregate types, and rewrites the query for compilation:
 * - string literals compared with a `time` field become TimeLiterals (epoch ms + offset);
 * - column references take their canonical spelling (`COUNT` -> `count` after an aggregate).
 *
 * Scopes: the record phase sees the format's fields (or any name, typed `any`, for dynamic
 * formats such as JSON and logfmt); `fields` narrows that; an aggregate (or `top`) replaces it
 * with its group keys and aggregate columns, and every later stage works on those rows.
 */
import type { FieldSpec, FieldType } from '../core/format.js';
import {
  columnName,
  type AggregateCall,
  type CompareExpr,
  type Expr,
  type FieldRef,
  type GroupKey,
  type Literal,
  type Operand,
  type Query,
  type Stage,
  type StringLiteral,
  type TimeLiteral,
} from './ast.js';
import { aggregateKind } from '../aggregates/registry.js';
import { QueryError } from './errors.js';
import { closestName } from './suggest.js';
import { parseInstant } from './time-literal.js';

export interface Column {
  readonly name: string;
  readonly type: FieldType;
}

/** What a stage can see: these columns, or null for "any name, typed any" (dynamic formats). */
export type Scope = readonly Column[] | null;

export interface TypedStage {
  /** The stage with names resolved and time literals parsed. */
  readonly stage: Stage;
  /** 'record' when it consumes parsed records (LineBatch + FieldReaders), 'row' when it consumes Rows. */
  readonly input: 'record' | 'row';
  readonly inputScope: Scope;
  readonly outputScope: Scope;
}

export interface TypedQuery {
  readonly text: string;
  readonly stages: readonly TypedStage[];
  /** Columns of the result: null when it is whole records of a dynamic format. */
  readonly columns: Scope;
  /** Fields the record phase must decode; null when the result is whole records (every field). */
  readonly needed: ReadonlySet<string> | null;
}

/** Internal scope state: a name -> type map plus how to explain it in an error. */
interface ScopeState {
  readonly columns: ReadonlyMap<string, FieldType> | null;
  readonly phase: 'record' | 'row';
  /** "fields" / "columns after the aggregate" ... for "unknown field" messages. */
  readonly describe: string;
}

export function typecheck(query: Query, fields: readonly FieldSpec[] | null): TypedQuery {
  let scope: ScopeState = {
    columns: fields === null ? null : new Map(fields.map((f) => [f.name, f.type])),
    phase: 'record',
    describe: 'known fields',
  };
  const stages: TypedStage[] = [];
  let projected = false;
  for (const stage of query.stages) {
    const { stage: typed, next } = checkStage(stage, scope);
    stages.push({ stage: typed, input: scope.phase, inputScope: toScope(scope), outputScope: toScope(next) });
    if (stage.kind === 'fields' || stage.kind === 'aggregate' || stage.kind === 'top') projected = true;
    scope = next;
  }
  return { text: query.text, stages, columns: toScope(scope), needed: projected ? neededFields(query) : null };
}

function toScope(s: ScopeState): Scope {
  return s.columns === null ? null : [...s.columns].map(([name, type]) => ({ name, type }));
}

function checkStage(stage: Stage, scope: ScopeState): { stage: Stage; next: ScopeState } {
  switch (stage.kind) {
    case 'where':
      return { stage: { ...stage, expr: checkExpr(stage.expr, scope) }, next: scope };
    case 'head':
      return { stage, next: scope };
    case 'sort': {
      const keys = stage.keys.map((k) => ({ ...k, column: resolve(k.column, scope).ref }));
      return { stage: { ...stage, keys }, next: scope };
    }
    case 'fields': {
      const out = new Map<string, FieldType>();
      const refs = stage.fields.map((f) => {
        const { ref, type } = resolve(f, scope);
        addColumn(out, ref.name, type, f.start);
        return ref;
      });
      const next: ScopeState = { columns: out, phase: scope.phase, describe: "fields kept by 'fields'" };
      return { stage: { ...stage, fields: refs }, next };
    }
    case 'top': {
      const { ref, type } = resolve(stage.field, scope);
      const out = new Map<string, FieldType>();
      addColumn(out, ref.name, type, stage.field.start);
      addColumn(out, 'count', 'number', stage.start);
      return { stage: { ...stage, field: ref }, next: rowScope(out) };
    }
    case 'aggregate': {
      const out = new Map<string, FieldType>();
      const groupBy = stage.groupBy.map((key) => {
        const { key: typed, type } = checkGroupKey(key, scope);
        addColumn(out, columnName(typed), type, key.start);
        return typed;
      });
      const aggregates = stage.aggregates.map((agg) => {
        const { agg: typed, type } = checkAggregate(agg, scope);
        addColumn(out, columnName(typed), type, agg.start);
        return typed;
      });
      return { stage: { ...stage, groupBy, aggregates }, next: rowScope(out) };
    }
  }
}

function rowScope(columns: Map<string, FieldType>): ScopeState {
  return { columns, phase: 'row', describe: 'columns after the aggregate' };
}

function addColumn(out: Map<string, FieldType>, name: string, type: FieldType, at: number): void {
  if (out.has(name)) throw new QueryError(`duplicate column '${name}'`, at);
  out.set(name, type);
}

// --- names -------------------------------------------------------------------------------------

function resolve(ref: FieldRef, scope: ScopeState): { ref: FieldRef; type: FieldType } {
  if (scope.phase === 'record' && ref.computed) {
    throw new QueryError(`'${ref.name}' is an aggregate column: it exists only after an aggregate stage`, ref.start);
  }
  if (scope.columns === null) return { ref, type: 'any' };
  const type = scope.columns.get(ref.name);
  if (type !== undefined) return { ref, type };
  // Keywords are case-insensitive, so `sort COUNT desc` names the column count.
  const lower = ref.name.toLowerCase();
  const lowerType = lower === 'count' ? scope.columns.get(lower) : undefined;
  if (lowerType !== undefined) return { ref: { ...ref, name: lower }, type: lowerType };
  throw unknownName(ref, scope);
}

function unknownName(ref: FieldRef, scope: ScopeState): QueryError {
  const noun = scope.phase === 'record' ? 'field' : 'column';
  const names = [...(scope.columns?.keys() ?? [])];
  const close = closestName(ref.name, names);
  const hint = close !== undefined ? `did you mean '${close}'?` : `${scope.describe}: ${names.join(', ')}`;
  return new QueryError(`unknown ${noun} '${ref.name}' (${hint})`, ref.start, scope.phase === 'record' ? ref.name : undefined);
}

// --- aggregates ---------------------------------------------------------------------------------

function checkAggregate(agg: AggregateCall, scope: ScopeState): { agg: AggregateCall; type: FieldType } {
  const kind = aggregateKind(agg.fn);
  const label = columnName(agg).replace(/\(.*$/, '');
  if (agg.field === null) {
    const checked = kind.check(null, '', label);
    if ('error' in checked) throw new QueryError(checked.error, agg.start);
    return { agg, type: checked.type };
  }
  const { ref, type } = resolve(agg.field, scope);
  const checked = kind.check(type, ref.name, label);
  if ('error' in checked) throw new QueryError(checked.error, ref.start);
  return { agg: { ...agg, field: ref }, type: checked.type };
}

function checkGroupKey(key: GroupKey, scope: ScopeState): { key: GroupKey; type: FieldType } {
  if (key.kind === 'field') {
    const { ref, type } = resolve(key, scope);
    return { key: ref, type };
  }
  const { ref, type } = resolve(key.field, scope);
  if (type !== 'time' && type !== 'any') {
    throw new QueryError(`bin needs a time field, but ${ref.name} is a ${type} field`, ref.start);
  }
  return { key: { ...key, field: ref }, type: 'time' };
}

// --- expressions --------------------------------------------------------------------------------

function checkExpr(expr: Expr, scope: ScopeState): Expr {
  switch (expr.kind) {
    case 'bool':
      return expr;
    case 'and':
    case 'or':
      return { ...expr, left: checkExpr(expr.left, scope), right: checkExpr(expr.right, scope) };
    case 'not':
      return { ...expr, operand: checkExpr(expr.operand, scope) };
    case 'truthy': {
      const { ref, type } = resolve(expr.field, scope);
      if (type !== 'any') {
        throw new QueryError(
          `${ref.name} is a ${type} field, not a condition: compare it with a value (e.g. ${ref.name} == ...)`,
          ref.start,
        );
      }
      return { ...expr, field: ref };
    }
    case 'matches':
      return { ...expr, subject: checkOperand(expr.subject, scope).operand };
    case 'text': {
      const left = checkOperand(expr.left, scope).operand;
      const right = checkOperand(expr.right, scope).operand;
      if (right.kind === 'number' || right.kind === 'bool') {
        const text = right.kind === 'number' ? right.text : String(right.value);
        throw new QueryError(`${expr.op} needs a string: write "${text}"`, right.start);
      }
      return { ...expr, left, right };
    }
    case 'compare':
      return checkCompare(expr, scope);
    case 'in': {
      const subject = checkOperand(expr.subject, scope);
      if (subject.operand.kind !== 'field') return { ...expr, subject: subject.operand };
      const field = subject.operand;
      const values = expr.values.map((v) => checkLiteral(field, subject.type, v, '=='));
      return { ...expr, subject: field, values };
    }
  }
}

function checkOperand(op: Operand, scope: ScopeState): { operand: Operand; type: FieldType | 'bool' } {
  switch (op.kind) {
    case 'field': {
      const { ref, type } = resolve(op, scope);
      return { operand: ref, type };
    }
    case 'bool':
      return { operand: op, type: 'bool' };
    default:
      return { operand: op, type: op.kind };
  }
}

function checkCompare(expr: CompareExpr, scope: ScopeState): Expr {
  const left = checkOperand(expr.left, scope);
  const right = checkOperand(expr.right, scope);
  if (left.operand.kind === 'field' && right.operand.kind !== 'field') {
    return { ...expr, left: left.operand, right: checkLiteral(left.operand, left.type, right.operand, expr.op) };
  }
  if (right.operand.kind === 'field' && left.operand.kind !== 'field') {
    return { ...expr, left: checkLiteral(right.operand, right.type, left.operand, expr.op), right: right.operand };
  }
  return { ...expr, left: left.operand, right: right.operand };
}

/** Checks a literal compared (with `op`) against a field of the given type; times become instants. */
function checkLiteral(field: FieldRef, type: FieldType | 'bool', lit: Literal, op: CompareExpr['op']): Literal {
  const name = field.name;
  if (type === 'any' || type === 'bool') return lit;
  if (lit.kind === 'bool') throw new QueryError(`${name} is a ${type} field, not true/false`, lit.start);
  switch (type) {
    case 'time':
      if (lit.kind === 'string') return toInstant(lit);
      if (lit.kind === 'number') {
        throw new QueryError(
          `${name} is a time field: compare it with a quoted time such as "2015-05-17T10:00:00Z", not a number`,
          lit.start,
        );
      }
      return lit;
    case 'string':
      if (lit.kind === 'number') {
        throw new QueryError(
          `${name} is a string field and cannot be compared with the number ${lit.text}; quote it ("${lit.text}") to compare text`,
          lit.start,
        );
      }
      return lit;
    case 'number':
      // Equality on the text is fine (status == "200"); ordering text against a number is not.
      if (lit.kind === 'string' && op !== '==' && op !== '!=') {
        const fix = Number.isFinite(Number(lit.value)) && lit.value.trim() !== '' ? `write ${lit.value} without quotes` : 'compare it with a number';
        throw new QueryError(`${name} is a number field: ${fix}`, lit.start);
      }
      return lit;
  }
}

function toInstant(lit: StringLiteral): TimeLiteral {
  const value = parseInstant(lit.value);
  if (value === null) {
    throw new QueryError(
      `'${lit.value}' is not a time: write ISO-8601 (2015-05-17T10:00:00Z, 2015-05-17) or CLF (17/May/2015:10:00:00 +0000)`,
      lit.start,
    );
  }
  return { kind: 'time', value, text: lit.value, start: lit.start, end: lit.end };
}

// --- projection pushdown ------------------------------------------------------------------------

/**
 * Every field the record phase reads: names in conditions, `fields`, `sort` and the first
 * aggregate (or `top`). Stages after that work on rows and need nothing from the parser.
 * Whether whole records are printed (needing every field) is the caller's call; see
 * TypedQuery.needed.
 */
export function neededFields(query: Query): Set<string> {
  const out = new Set<string>();
  const add = (ref: FieldRef | null): void => {
    if (ref !== null && !ref.computed) out.add(ref.name);
  };
  for (const stage of query.stages) {
    switch (stage.kind) {
      case 'where':
        addExprFields(stage.expr, add);
        break;
      case 'fields':
        stage.fields.forEach(add);
        break;
      case 'sort':
        for (const k of stage.keys) add(k.column);
        break;
      case 'head':
        break;
      case 'top':
        add(stage.field);
        return out;
      case 'aggregate':
        for (const a of stage.aggregates) add(a.field);
        for (const k of stage.groupBy) add(k.kind === 'bin' ? k.field : k);
        return out;
    }
  }
  return out;
}

/** Calls `add` for every field an expression reads. */
export function addExprFields(expr: Expr, add: (ref: FieldRef) => void): void {
  const operand = (op: Operand): void => {
    if (op.kind === 'field') add(op);
  };
  switch (expr.kind) {
    case 'and':
    case 'or':
      addExprFields(expr.left, add);
      addExprFields(expr.right, add);
      return;
    case 'not':
      addExprFields(expr.operand, add);
      return;
    case 'truthy':
      add(expr.field);
      return;
    case 'compare':
    case 'text':
      operand(expr.left);
      operand(expr.right);
      return;
    case 'matches':
    case 'in':
      operand(expr.subject);
      return;
    case 'bool':
      return;
  }
}
