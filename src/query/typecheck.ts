/**
 * Type checking: resolves every name against what the stage can see, checks operand and
 * aggregate types, and rewrites the query for compilation (see check-operand.ts for values):
 * - string literals compared with a `time` become TimeLiterals (epoch ms + offset);
 * - column references take their canonical spelling (`COUNT` -> `count` after an aggregate).
 *
 * Scopes: the record phase sees the format's fields (or any name, typed `any`, for dynamic
 * formats such as JSON and logfmt), plus what `let` and `parse` add; `fields` narrows that; an
 * aggregate (or `top`) replaces it with its group keys and aggregate columns, and every later
 * stage works on those rows.
 */
import type { FieldSpec, FieldType } from '../core/format.js';
import {
  columnName,
  type AggregateCall,
  type Expr,
  type FieldRef,
  type GroupKey,
  type Operand,
  type Query,
  type Stage,
} from './ast.js';
import { aggregateKind } from '../aggregates/registry.js';
import { columnType, OperandChecker, type CheckOptions, type ScopeState } from './check-operand.js';
import { QueryError } from './errors.js';

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

export function typecheck(query: Query, fields: readonly FieldSpec[] | null, options: Partial<CheckOptions> = {}): TypedQuery {
  const checker = new StageChecker(new OperandChecker({ now: options.now ?? Date.now() }));
  const aliases = new Map<string, string>();
  for (const f of fields ?? []) for (const alias of f.aliases ?? []) if (!fields!.some((g) => g.name === alias)) aliases.set(alias, f.name);
  let scope: ScopeState = {
    columns: fields === null ? null : new Map(fields.map((f) => [f.name, f.type])),
    ...(aliases.size > 0 ? { aliases } : {}),
    phase: 'record',
    describe: 'known fields',
  };
  const stages: TypedStage[] = [];
  let projected = false;
  for (const stage of query.stages) {
    const { stage: typed, next } = checker.stage(stage, scope);
    stages.push({ stage: typed, input: scope.phase, inputScope: toScope(scope), outputScope: toScope(next) });
    if (stage.kind === 'fields' || stage.kind === 'aggregate' || stage.kind === 'top') projected = true;
    scope = next;
  }
  return { text: query.text, stages, columns: toScope(scope), needed: projected ? neededFields(query) : null };
}

function toScope(s: ScopeState): Scope {
  return s.columns === null ? null : [...s.columns].map(([name, type]) => ({ name, type }));
}

class StageChecker {
  constructor(private readonly values: OperandChecker) {}

  stage(stage: Stage, scope: ScopeState): { stage: Stage; next: ScopeState } {
    const values = this.values;
    switch (stage.kind) {
      case 'where':
        return { stage: { ...stage, expr: values.expr(stage.expr, scope) }, next: scope };
      case 'head':
      case 'headEach':
        return { stage, next: scope };
      case 'sort': {
        const keys = stage.keys.map((k) => {
          if (k.value && scope.phase === 'record' && !(scope.columns?.has(k.column.name) ?? false)) {
            throw new QueryError(`sort takes a column: to sort records by a calculation, name it first (let key = ${k.column.name} | sort key)`, k.start);
          }
          return { ...k, column: values.resolve(k.column, scope).ref };
        });
        return { stage: { ...stage, keys }, next: scope };
      }
      case 'fields': {
        const out = new Map<string, FieldType>();
        const items = stage.fields.map((item) => {
          const { operand, type } = values.operand(item.value, scope);
          // `fields COUNT` names the column count; any other name stays as written.
          const name = operand.kind === 'field' && item.value.kind === 'field' && item.name === item.value.name ? operand.name : item.name;
          addColumn(out, name, columnType(type), item.start);
          return { ...item, name, value: operand };
        });
        const next: ScopeState = { columns: out, phase: scope.phase, describe: "fields kept by 'fields'" };
        return { stage: { ...stage, fields: items }, next };
      }
      case 'let': {
        const { operand, type } = values.operand(stage.value, scope);
        return { stage: { ...stage, value: operand }, next: withColumns(scope, [[stage.name, columnType(type)]]) };
      }
      case 'parse': {
        const from = values.operand(stage.from, scope).operand;
        return { stage: { ...stage, from }, next: withColumns(scope, stage.names.map((n) => [n, 'string'])) };
      }
      case 'top': {
        const out = new Map<string, FieldType>();
        const by = stage.by.map((g) => {
          const { ref, type } = values.resolve(g, scope);
          addColumn(out, ref.name, type, g.start);
          return ref;
        });
        const { ref, type } = values.resolve(stage.field, scope);
        addColumn(out, ref.name, type, stage.field.start);
        addColumn(out, 'count', 'number', stage.start);
        return { stage: { ...stage, field: ref, by }, next: rowScope(out) };
      }
      case 'aggregate': {
        const out = new Map<string, FieldType>();
        const groupBy = stage.groupBy.map((key) => {
          const { key: typed, type } = this.groupKey(key, scope);
          addColumn(out, columnName(typed), type, key.start);
          return typed;
        });
        const aggregates = stage.aggregates.map((agg) => {
          const { agg: typed, type } = this.aggregate(agg, scope);
          addColumn(out, columnName(typed), type, agg.start);
          return typed;
        });
        return { stage: { ...stage, groupBy, aggregates }, next: rowScope(out) };
      }
    }
  }

  private aggregate(agg: AggregateCall, scope: ScopeState): { agg: AggregateCall; type: FieldType } {
    const kind = aggregateKind(agg.fn);
    const label = columnName(agg).replace(/\(.*$/, '');
    if (agg.field === null) {
      const checked = kind.check(null, '', label);
      if ('error' in checked) throw new QueryError(checked.error, agg.start);
      return { agg, type: checked.type };
    }
    const args = [agg.field, ...agg.more].map((arg) => {
      const { operand, type } = this.values.operand(arg, scope);
      const checked = kind.check(columnType(type), renderName(operand), label);
      if ('error' in checked) throw new QueryError(checked.error, operand.start);
      return { operand, type: checked.type };
    });
    return { agg: { ...agg, field: args[0]!.operand, more: args.slice(1).map((a) => a.operand) }, type: args[0]!.type };
  }

  private groupKey(key: GroupKey, scope: ScopeState): { key: GroupKey; type: FieldType } {
    if (key.kind !== 'bin') {
      const { operand, type } = this.values.operand(key, scope);
      return { key: operand, type: columnType(type) };
    }
    const { operand, type } = this.values.operand(key.field, scope);
    const name = renderName(operand);
    if (key.numeric) {
      if (type !== 'number' && type !== 'any') {
        throw new QueryError(`bin with a number width needs a number, but ${name} is a ${type}${operand.kind === 'field' ? ' field' : ''}`, operand.start);
      }
      return { key: { ...key, field: operand }, type: 'number' };
    }
    if (type !== 'time' && type !== 'any') {
      throw new QueryError(`bin with a time width needs a time field, but ${name} is a ${type}${operand.kind === 'field' ? ' field' : ''}`, operand.start);
    }
    return { key: { ...key, field: operand }, type: 'time' };
  }
}

function renderName(op: Operand): string {
  return op.kind === 'field' ? op.name : columnName(op);
}

function rowScope(columns: Map<string, FieldType>): ScopeState {
  return { columns, phase: 'row', describe: 'columns after the aggregate' };
}

/** The scope with these names added (or retyped): what `let` and `parse` leave for later stages. */
function withColumns(scope: ScopeState, added: readonly (readonly [string, FieldType])[]): ScopeState {
  if (scope.columns === null) return scope;
  const columns = new Map(scope.columns);
  for (const [name, type] of added) columns.set(name, type);
  return { ...scope, columns };
}

function addColumn(out: Map<string, FieldType>, name: string, type: FieldType, at: number): void {
  if (out.has(name)) throw new QueryError(`duplicate column '${name}'`, at);
  out.set(name, type);
}

// --- projection pushdown ------------------------------------------------------------------------

/**
 * Every field the record phase reads from the format: names in conditions, new values, `fields`,
 * `sort`, `parse` and the first aggregate (or `top`), less the names `let`, `parse` and
 * `fields x = ...` made themselves. Stages after the aggregate work on rows and need nothing
 * from the parser. Whether whole records are printed (needing every field) is the caller's
 * call; see TypedQuery.needed.
 */
export function neededFields(query: Query): Set<string> {
  const out = new Set<string>();
  forEachStageField(query.stages, false, (ref) => {
    if (!ref.computed) out.add(ref.name);
  });
  return out;
}

/**
 * Calls `visit` for every field reference the stages read from records, in stage order, less
 * the names `let`, `parse` and `fields x = ...` made themselves, up to and including the first
 * aggregate or `top` (stages after it read their columns, not records). `fieldsEnd`: a `fields`
 * stage ends the walk too (rows then hold just its columns); else the stages after it may still
 * read the record's other fields. The one walk behind projection pushdown (`neededFields`) and
 * the columns rows keep (`rowStageFields` in the engine's plan).
 */
export function forEachStageField(stages: readonly Stage[], fieldsEnd: boolean, visit: (ref: FieldRef) => void): void {
  const made = new Set<string>();
  const add = (ref: FieldRef | null): void => {
    if (ref !== null && !made.has(ref.name)) visit(ref);
  };
  const operand = (op: Operand | null): void => {
    if (op !== null) addOperandFields(op, add);
  };
  for (const stage of stages) {
    switch (stage.kind) {
      case 'where':
        addExprFields(stage.expr, add);
        break;
      case 'fields':
        for (const item of stage.fields) operand(item.value);
        if (fieldsEnd) return;
        for (const item of stage.fields) if (item.value.kind !== 'field' || item.value.name !== item.name) made.add(item.name);
        break;
      case 'let':
        operand(stage.value);
        made.add(stage.name);
        break;
      case 'parse':
        operand(stage.from);
        for (const name of stage.names) made.add(name);
        break;
      case 'sort':
        for (const k of stage.keys) add(k.column);
        break;
      case 'head':
      case 'headEach':
        break;
      case 'top':
        stage.by.forEach(add);
        add(stage.field);
        return;
      case 'aggregate':
        for (const k of stage.groupBy) operand(k.kind === 'bin' ? k.field : k);
        for (const a of stage.aggregates) {
          operand(a.field);
          a.more.forEach(operand);
        }
        return;
    }
  }
}

/** Calls `add` for every field a value reads. */
export function addOperandFields(op: Operand, add: (ref: FieldRef) => void): void {
  switch (op.kind) {
    case 'field':
      add(op);
      return;
    case 'arith':
      addOperandFields(op.left, add);
      addOperandFields(op.right, add);
      return;
    case 'call':
      for (const a of op.args) addOperandFields(a, add);
      return;
    case 'index':
      addOperandFields(op.target, add);
      addOperandFields(op.index, add);
      return;
    case 'cond':
      addExprFields(op.expr, add);
      return;
    default:
      return;
  }
}

/** Calls `add` for every field an expression reads. */
export function addExprFields(expr: Expr, add: (ref: FieldRef) => void): void {
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
      addOperandFields(expr.field, add);
      return;
    case 'compare':
    case 'text':
      addOperandFields(expr.left, add);
      addOperandFields(expr.right, add);
      return;
    case 'matches':
    case 'in':
      addOperandFields(expr.subject, add);
      return;
    case 'bool':
      return;
  }
}
