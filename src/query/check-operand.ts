/**
 * Type checking of values and conditions (the stage-level checks are in typecheck.ts): resolves
 * names, types calculations and function calls, and rewrites what compilation needs fixed:
 * - a string compared with a `time` becomes a TimeLiteral (floating when it has no zone);
 * - `level` compared with a level name is marked to compare by severity, in any case;
 * - `now()` becomes the time the run started, so every thread of a run sees the same now.
 */
import type { FieldType } from '../core/format.js';
import { Instant } from '../core/value.js';
import {
  renderOperand,
  type CompareExpr,
  type Expr,
  type FieldRef,
  type Literal,
  type Operand,
  type StringLiteral,
  type TimeLiteral,
} from './ast.js';
import { QueryError } from './errors.js';
import { valueFunction, type ValueType } from './functions.js';
import { isLevelName, LEVEL_NAMES } from './severity.js';
import { closestName } from './suggest.js';
import { parseInstant } from './time-literal.js';

/** What a stage sees: a name -> type map (null: any name, typed any) and how to explain it. */
export interface ScopeState {
  readonly columns: ReadonlyMap<string, FieldType> | null;
  /** Other names of the format's fields (alias -> name), in the record phase. */
  readonly aliases?: ReadonlyMap<string, string>;
  readonly phase: 'record' | 'row';
  /** "known fields" / "columns after the aggregate" ... for "unknown field" messages. */
  readonly describe: string;
}

export interface CheckOptions {
  /** Epoch ms that `now()` and durations back from now are counted from. */
  readonly now: number;
}

/** A checked operand and its type. */
export interface Typed {
  readonly operand: Operand;
  readonly type: ValueType;
}

export class OperandChecker {
  constructor(private readonly options: CheckOptions) {}

  resolve(ref: FieldRef, scope: ScopeState): { ref: FieldRef; type: FieldType } {
    if (scope.phase === 'record' && ref.computed) {
      throw new QueryError(`'${ref.name}' is an aggregate column: it exists only after an aggregate stage`, ref.start);
    }
    if (scope.columns === null) return { ref, type: 'any' };
    const type = scope.columns.get(ref.name);
    if (type !== undefined) return { ref, type };
    const canonical = scope.aliases?.get(ref.name);
    const aliasType = canonical === undefined ? undefined : scope.columns.get(canonical);
    // Kept as written: the format's reader answers to the alias, and rows are named as the user wrote.
    if (aliasType !== undefined) return { ref, type: aliasType };
    // Keywords are case-insensitive, so `sort COUNT desc` names the column count.
    const lower = ref.name.toLowerCase();
    const lowerType = lower === 'count' ? scope.columns.get(lower) : undefined;
    if (lowerType !== undefined) return { ref: { ...ref, name: lower }, type: lowerType };
    throw unknownName(ref, scope);
  }

  operand(op: Operand, scope: ScopeState): Typed {
    switch (op.kind) {
      case 'field': {
        const { ref, type } = this.resolve(op, scope);
        return { operand: ref, type };
      }
      case 'bool':
        return { operand: op, type: 'bool' };
      case 'string':
      case 'number':
      case 'time':
        return { operand: op, type: op.kind };
      case 'cond':
        return { operand: { ...op, expr: this.expr(op.expr, scope) }, type: 'bool' };
      case 'arith': {
        const left = this.operand(op.left, scope);
        const right = this.operand(op.right, scope);
        const checked = { ...op, left: left.operand, right: right.operand };
        if (op.op === '+' && left.type === 'string' && right.type === 'string') return { operand: checked, type: 'string' };
        for (const side of [left, right]) {
          if (side.type === 'string' || side.type === 'bool') {
            const what = side.operand.kind === 'field' ? `${side.operand.name} is a ${side.type} field` : `${renderOperand(side.operand)} is ${side.type === 'bool' ? 'true/false' : 'text'}`;
            throw new QueryError(`'${op.op}' needs numbers, but ${what}${op.op === '+' && side.type === 'string' ? ' (+ joins two strings only)' : ''}`, side.operand.start);
          }
        }
        return { operand: checked, type: 'number' };
      }
      case 'call': {
        const fn = valueFunction(op.fn);
        if (!fn) throw new QueryError(`unknown function '${op.fn}'`, op.start);
        if (fn.name === 'now' && op.args.length === 0) {
          const now: TimeLiteral = { kind: 'time', value: new Instant(this.options.now, 0), text: new Date(this.options.now).toISOString(), start: op.start, end: op.end };
          return { operand: now, type: 'time' };
        }
        const args = op.args.map((a) => this.operand(a, scope));
        const type = fn.type(args.map((a) => a.type));
        if (typeof type !== 'string') throw new QueryError(type.error, op.start);
        return { operand: { ...op, args: args.map((a) => a.operand) }, type };
      }
      case 'index': {
        const target = this.operand(op.target, scope);
        const index = this.operand(op.index, scope);
        if (index.type !== 'number' && index.type !== 'any') {
          throw new QueryError(`an index in [...] is a number (0 is the first element, -1 the last)`, op.index.start);
        }
        const splits = target.operand.kind === 'call' && target.operand.fn === 'split';
        return { operand: { ...op, target: target.operand, index: index.operand }, type: splits ? 'string' : 'any' };
      }
    }
  }

  expr(expr: Expr, scope: ScopeState): Expr {
    switch (expr.kind) {
      case 'bool':
        return expr;
      case 'and':
      case 'or':
        return { ...expr, left: this.expr(expr.left, scope), right: this.expr(expr.right, scope) };
      case 'not':
        return { ...expr, operand: this.expr(expr.operand, scope) };
      case 'truthy': {
        const { operand, type } = this.operand(expr.field, scope);
        if (type !== 'any' && type !== 'bool') {
          const name = renderOperand(operand);
          const what = operand.kind === 'field' ? `${name} is a ${type} field` : `${name} is a ${type}`;
          throw new QueryError(`${what}, not a condition: compare it with a value (e.g. ${name} == ...)`, operand.start);
        }
        return { ...expr, field: operand };
      }
      case 'matches':
        return { ...expr, subject: this.operand(expr.subject, scope).operand };
      case 'text': {
        const left = this.operand(expr.left, scope).operand;
        const right = this.operand(expr.right, scope).operand;
        if (right.kind === 'number' || right.kind === 'bool') {
          const text = right.kind === 'number' ? right.text : String(right.value);
          throw new QueryError(`${expr.op} needs a string: write "${text}"`, right.start);
        }
        return { ...expr, left, right };
      }
      case 'compare':
        return this.compare(expr, scope);
      case 'in': {
        const subject = this.operand(expr.subject, scope);
        if (isLiteral(subject.operand)) return { ...expr, subject: subject.operand };
        const values = expr.values.map((v) => checkLiteral(subject.operand, subject.type, v, '=='));
        const severity = isLevel(subject.operand) && values.every((v) => v.kind === 'string');
        return { ...expr, subject: subject.operand, values, ...(severity ? { severity } : {}) };
      }
    }
  }

  private compare(expr: CompareExpr, scope: ScopeState): Expr {
    const left = this.operand(expr.left, scope);
    const right = this.operand(expr.right, scope);
    const l = left.operand;
    const r = right.operand;
    if (!isLiteral(l) && isLiteral(r)) {
      const lit = checkLiteral(l, left.type, r, expr.op);
      return { ...expr, left: l, right: lit, ...severityOf(l, lit, expr.op) };
    }
    if (!isLiteral(r) && isLiteral(l)) {
      const lit = checkLiteral(r, right.type, l, expr.op);
      return { ...expr, left: lit, right: r, ...severityOf(r, lit, expr.op) };
    }
    return { ...expr, left: l, right: r };
  }
}

function unknownName(ref: FieldRef, scope: ScopeState): QueryError {
  const noun = scope.phase === 'record' ? 'field' : 'column';
  const names = [...(scope.columns?.keys() ?? [])];
  const close = closestName(ref.name, names);
  const hint = close !== undefined ? `did you mean '${close}'?` : `${scope.describe}: ${names.join(', ')}`;
  return new QueryError(`unknown ${noun} '${ref.name}' (${hint})`, ref.start, scope.phase === 'record' ? ref.name : undefined);
}

export function isLiteral(op: Operand): op is Literal {
  return op.kind === 'string' || op.kind === 'number' || op.kind === 'bool' || op.kind === 'time';
}

/** The `level` field (by its canonical name: JSON's severity/lvl answer to it too). */
function isLevel(op: Operand): boolean {
  return op.kind === 'field' && !op.computed && op.name === 'level';
}

/** `level` against a string: by severity (ordering needs a level name), equality in any case. */
function severityOf(subject: Operand, lit: Literal, op: CompareExpr['op']): { severity?: true } {
  if (!isLevel(subject) || lit.kind !== 'string') return {};
  if (op !== '==' && op !== '!=' && !isLevelName(lit.value)) {
    throw new QueryError(`'${lit.value}' is not a level to order by (levels, lowest first: ${LEVEL_NAMES})`, lit.start);
  }
  return { severity: true };
}

/** Checks a literal compared (with `op`) against a value of the given type; times become instants. */
function checkLiteral(subject: Operand, type: ValueType, lit: Literal, op: CompareExpr['op']): Literal {
  const name = renderOperand(subject);
  const what = subject.kind === 'field' ? `${name} is a ${type} field` : `${name} is a ${type}`;
  if (type === 'any' || type === 'bool') return lit;
  if (lit.kind === 'bool') throw new QueryError(`${what}, not true/false`, lit.start);
  switch (type) {
    case 'time':
      if (lit.kind === 'string') return toInstant(lit);
      if (lit.kind === 'number') {
        throw new QueryError(`${what}: compare it with a quoted time such as "2015-05-17T10:00:00Z", not a number`, lit.start);
      }
      return lit;
    case 'string':
      if (lit.kind === 'number') {
        throw new QueryError(`${what} and cannot be compared with the number ${lit.text}; quote it ("${lit.text}") to compare text`, lit.start);
      }
      return lit;
    case 'number':
      // Equality on the text is fine (status == "200"); ordering text against a number is not.
      if (lit.kind === 'string' && op !== '==' && op !== '!=') {
        const fix = Number.isFinite(Number(lit.value)) && lit.value.trim() !== '' ? `write ${lit.value} without quotes` : 'compare it with a number';
        throw new QueryError(`${what}: ${fix}`, lit.start);
      }
      return lit;
  }
}

/** A zone at the end of a time's text: `Z`, `+02:00`, `-0400`. */
const ZONE = /(?:z|[+-]\d\d:?\d\d)$/i;

/**
 * A time literal. Without a zone it is floating: a time on the log's own clock, as the log's
 * lines show it (so `time >= "2015-05-17 10:00"` means 10:00 as the log wrote it, whatever its
 * offset), which is how GoAccess and lnav read such times.
 */
export function toInstant(lit: StringLiteral): TimeLiteral {
  const value = parseInstant(lit.value);
  if (value === null) {
    throw new QueryError(
      `'${lit.value}' is not a time: write ISO-8601 (2015-05-17T10:00:00Z, 2015-05-17) or CLF (17/May/2015:10:00:00 +0000)`,
      lit.start,
    );
  }
  const floating = !ZONE.test(lit.value.trim());
  return { kind: 'time', value, text: lit.value, start: lit.start, end: lit.end, ...(floating ? { floating } : {}) };
}

/** A column's type from a value's: a condition's true/false is a dynamic value in a row. */
export function columnType(type: ValueType): FieldType {
  return type === 'bool' ? 'any' : type;
}
