/**
 * The query AST. Every node carries `start`/`end`: 0-based offsets into the query text
 * (`end` exclusive), so later phases (typecheck, compile) can point a caret at the culprit.
 *
 * A query is a list of stages separated by `|`:
 *   status >= 500 | count, sum(bytes) by path | sort count desc | head 10
 */
import type { Instant } from '../core/value.js';
import type { TextMatcher } from './regex.js';

export interface Located {
  readonly start: number;
  readonly end: number;
}

// ---------------------------------------------------------------------------------------------
// Operands: field references and literals

/**
 * A reference to a field (record phase) or a column (after an aggregate). `computed` is true
 * when the user wrote an aggregate or bin call (`sum(bytes)`, `count()`, `bin(time, 5m)`): the
 * name is then that column's canonical name (`sum(bytes)`, `count`, `bin(time,5m)`), which only
 * exists after an aggregate stage.
 */
export interface FieldRef extends Located {
  readonly kind: 'field';
  readonly name: string;
  readonly computed: boolean;
}

export interface StringLiteral extends Located {
  readonly kind: 'string';
  readonly value: string;
}

export interface NumberLiteral extends Located {
  readonly kind: 'number';
  readonly value: number;
  /** As written, e.g. "-1.50". */
  readonly text: string;
}

export interface BoolLiteral extends Located {
  readonly kind: 'bool';
  readonly value: boolean;
}

/**
 * An instant. The parser never produces one: typecheck turns a string literal compared with a
 * `time` field into a TimeLiteral (or reports a type error when the text is not a time).
 */
export interface TimeLiteral extends Located {
  readonly kind: 'time';
  readonly value: Instant;
  /** The string as the user wrote it (without quotes). */
  readonly text: string;
  /**
   * Written without a zone: a time on the log's own clock (what its lines show), so it is
   * compared with each record's local time, not with one instant. `value` is then that wall
   * time read as UTC.
   */
  readonly floating?: boolean;
}

export type Literal = StringLiteral | NumberLiteral | BoolLiteral | TimeLiteral;

export type ArithOp = '+' | '-' | '*' | '/' | '%';

/** `bytes / 1024`, `-x`: arithmetic on numbers (and `+` on two strings, which joins them). */
export interface ArithExpr extends Located {
  readonly kind: 'arith';
  readonly op: ArithOp;
  readonly left: Operand;
  readonly right: Operand;
}

/** `lower(agent)`, `substr(path, 0, 4)`, `if(status >= 500, "error", "ok")`, `now()`: see functions.ts. */
export interface CallExpr extends Located {
  readonly kind: 'call';
  /** The function's name, lower-cased. */
  readonly fn: string;
  readonly args: readonly Operand[];
}

/** `split(path, "/")[1]`, `tags[0]`: an element of a list (negative indexes count from the end). */
export interface IndexExpr extends Located {
  readonly kind: 'index';
  readonly target: Operand;
  readonly index: Operand;
}

/** A condition used as a value (an argument of `if`, a new field): true or false. */
export interface CondValue extends Located {
  readonly kind: 'cond';
  readonly expr: Expr;
}

/** A value computed per record or row from other values. */
export type Computed = ArithExpr | CallExpr | IndexExpr | CondValue;

/** What a comparison compares, a function takes, or a new field holds. */
export type Operand = FieldRef | Literal | Computed;

/** True for the operands that are computed from others (not a field, not a literal). */
export function isComputed(op: Operand): op is Computed {
  return op.kind === 'arith' || op.kind === 'call' || op.kind === 'index' || op.kind === 'cond';
}

// ---------------------------------------------------------------------------------------------
// Boolean expressions

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp = 'contains' | 'startswith' | 'endswith';

/** `left op right`, e.g. `status >= 500`, `time < "2015-05-17"`, `bytes > status`. */
export interface CompareExpr extends Located {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: Operand;
  readonly right: Operand;
  /** Set by the type checker for `level` against a level name: by severity, any case. */
  readonly severity?: boolean;
}

/** `url contains "/api"`, `path startswith "/img"`, `path endswith ".png"` (case-sensitive). */
export interface TextExpr extends Located {
  readonly kind: 'text';
  readonly op: TextOp;
  readonly left: Operand;
  readonly right: Operand;
}

/**
 * `agent matches /bot|crawler/i` or `agent matches "bot"`. The matcher is built (and checked)
 * once, by the parser, and runs in linear time (see regex.ts).
 */
export interface MatchesExpr extends Located {
  readonly kind: 'matches';
  readonly subject: Operand;
  readonly regex: TextMatcher;
}

/** `status in (301, 302)`, `host not in ("a", "b")`. */
export interface InExpr extends Located {
  readonly kind: 'in';
  readonly subject: Operand;
  readonly values: readonly Literal[];
  readonly negated: boolean;
  /** Set by the type checker for `level in (...)`: level names match in any case. */
  readonly severity?: boolean;
}

export interface LogicalExpr extends Located {
  readonly kind: 'and' | 'or';
  readonly left: Expr;
  readonly right: Expr;
}

export interface NotExpr extends Located {
  readonly kind: 'not';
  readonly operand: Expr;
}

/** A value used as a condition by itself (`where ok`): true only when it is the boolean true. */
export interface TruthyExpr extends Located {
  readonly kind: 'truthy';
  readonly field: Operand;
}

export type Expr = CompareExpr | TextExpr | MatchesExpr | InExpr | LogicalExpr | NotExpr | TruthyExpr | BoolLiteral;

// ---------------------------------------------------------------------------------------------
// Aggregates and group keys

/** An aggregate function's name, as aggregates/registry.ts lists them (`count`, `sum`, `percentile`...). */
export type AggregateFn = string;

/**
 * `count`, `sum(bytes)`, `p99.9(bytes)`, `sum(bytes / 1024)`, `count_distinct(host, agent)`.
 * `field` is the argument (null only for count); `more` the further arguments of a function
 * that takes several (count_distinct over combinations).
 */
export interface AggregateCall extends Located {
  readonly kind: 'aggregate';
  readonly fn: AggregateFn;
  readonly field: Operand | null;
  readonly more: readonly Operand[];
  /** For percentile: the rank in (0, 100), e.g. 99.9. Otherwise null. */
  readonly percentile: number | null;
}

/**
 * `bin(time, 5m)`: the record's time floored to a multiple of `ms` counted from the Unix epoch
 * (on the log's own clock); `bin(bytes, 100)`: a number floored to a multiple of `ms`.
 */
export interface BinKey extends Located {
  readonly kind: 'bin';
  readonly field: Operand;
  /** Bucket width: milliseconds for times, the plain width for numbers (> 0). */
  readonly ms: number;
  /** Canonical width as written (a lower-case unit for times), e.g. "5m", "1.5h", "100". */
  readonly width: string;
  /** True for a number width (`bin(bytes, 100)`), false for a duration. */
  readonly numeric: boolean;
}

export type GroupKey = Operand | BinKey;

// ---------------------------------------------------------------------------------------------
// Stages

/** `where EXPR`, or a bare expression (`implicit` then). */
export interface WhereStage extends Located {
  readonly kind: 'where';
  readonly expr: Expr;
  readonly implicit: boolean;
}

/** One column of `fields`: a field as it is, or `name = value`. */
export interface FieldItem extends Located {
  readonly name: string;
  readonly value: Operand;
}

/** `fields a, b, kb = bytes / 1024`: keep these, in this order. */
export interface FieldsStage extends Located {
  readonly kind: 'fields';
  readonly fields: readonly FieldItem[];
}

/** `let kb = bytes / 1024`: a new field (or column) for the stages after it. */
export interface LetStage extends Located {
  readonly kind: 'let';
  readonly name: string;
  readonly value: Operand;
}

/**
 * `parse /(?<user>\w+)@(?<domain>\S+)/ from message` or `parse "user=* id=*" from message as
 * user, id`: new fields from the parts of a value. Records where it does not match are dropped,
 * unless `nodrop` (their new fields are then missing).
 */
export interface ParseStage extends Located {
  readonly kind: 'parse';
  readonly from: Operand;
  readonly pattern: ExtractPattern;
  readonly names: readonly string[];
  readonly nodrop: boolean;
}

/** What `parse` matches with: a regex with named groups, or a glob with `*` for each name. */
export type ExtractPattern =
  | { readonly kind: 'regex'; readonly matcher: import('./regex.js').TextExtractor }
  | { readonly kind: 'glob'; readonly parts: readonly string[] };

/** `count, avg(bytes) by status, bin(time, 1h)`; `groupBy` is empty for a single total row. */
export interface AggregateStage extends Located {
  readonly kind: 'aggregate';
  readonly aggregates: readonly AggregateCall[];
  readonly groupBy: readonly GroupKey[];
}

export interface SortKey extends Located {
  /** The column, by name; a calculation names the column it made (`sort status/100`). */
  readonly column: FieldRef;
  readonly descending: boolean;
  /** The calculation as written, when the key is one (so the checker can say what to do with it). */
  readonly value?: Operand;
}

export interface SortStage extends Located {
  readonly kind: 'sort';
  readonly keys: readonly SortKey[];
}

export interface HeadStage extends Located {
  readonly kind: 'head';
  readonly n: number;
}

/**
 * `top N f`: same answer as `count by f | sort count desc | head N` (see `expandTop`); kept as
 * its own stage so an operator may use a bounded top-k structure. Output columns: f, count.
 * `top N f by g`: the top N of f within each g (columns g, f, count).
 */
export interface TopStage extends Located {
  readonly kind: 'top';
  readonly n: number;
  readonly field: FieldRef;
  readonly by: readonly FieldRef[];
}

/**
 * The second half of `top N f by g`, made by expandTop (never parsed): over rows of `count by
 * g, f`, each group's N rows of highest count (ties in first-seen order), groups in first-seen
 * order.
 */
export interface HeadEachStage extends Located {
  readonly kind: 'headEach';
  readonly n: number;
  /** The group columns (the leading columns of the rows). */
  readonly groups: number;
}

export type Stage = WhereStage | FieldsStage | AggregateStage | SortStage | HeadStage | TopStage | LetStage | ParseStage | HeadEachStage;

export interface Query {
  readonly text: string;
  readonly stages: readonly Stage[];
}

// ---------------------------------------------------------------------------------------------
// Column names

/** Canonical name of a percentile, e.g. 99.9 -> "p99.9", 50 -> "p50". */
export function percentileName(rank: number): string {
  return `p${String(rank)}`;
}

/**
 * The column an aggregate or group key produces, in canonical text without spaces:
 * `count`, `sum(bytes)`, `count_distinct(host)`, `p99.9(bytes)`, `bin(time,5m)`, `status`,
 * `status/100`, `sum(bytes/1024)`.
 */
export function columnName(node: AggregateCall | GroupKey): string {
  switch (node.kind) {
    case 'bin':
      return `bin(${renderOperand(node.field)},${node.width})`;
    case 'aggregate': {
      if (node.fn === 'count') return 'count';
      const fn = node.fn === 'percentile' ? percentileName(node.percentile ?? 0) : node.fn;
      const args = node.field === null ? [] : [node.field, ...node.more];
      return `${fn}(${args.map(renderOperand).join(',')})`;
    }
    default:
      return renderOperand(node);
  }
}

/** An operand as canonical text: fields by name, literals as written, computed values without spaces. */
export function renderOperand(op: Operand): string {
  switch (op.kind) {
    case 'field':
      return op.name;
    case 'string':
      return JSON.stringify(op.value);
    case 'number':
      return op.text;
    case 'bool':
      return String(op.value);
    case 'time':
      return JSON.stringify(op.text);
    case 'arith':
      return `${renderOperand(op.left)}${op.op}${renderOperand(op.right)}`;
    case 'call':
      return `${op.fn}(${op.args.map(renderOperand).join(',')})`;
    case 'index':
      return `${renderOperand(op.target)}[${renderOperand(op.index)}]`;
    case 'cond':
      return '(condition)';
  }
}

/**
 * `top N f` spelled out as the stages it abbreviates (all located at the top stage); `top N f
 * by g` as the count and a head per group.
 */
export function expandTop(top: TopStage): Stage[] {
  const at = { start: top.start, end: top.end };
  const countColumn: FieldRef = { kind: 'field', name: 'count', computed: true, ...at };
  const count: AggregateStage = {
    kind: 'aggregate',
    aggregates: [{ kind: 'aggregate', fn: 'count', field: null, more: [], percentile: null, ...at }],
    groupBy: [...top.by, top.field],
    ...at,
  };
  if (top.by.length > 0) return [count, { kind: 'headEach', n: top.n, groups: top.by.length, ...at }];
  return [count, { kind: 'sort', keys: [{ column: countColumn, descending: true, ...at }], ...at }, { kind: 'head', n: top.n, ...at }];
}
