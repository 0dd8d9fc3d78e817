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
}

export type Literal = StringLiteral | NumberLiteral | BoolLiteral | TimeLiteral;
export type Operand = FieldRef | Literal;

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

/** A field used as a condition by itself (`where ok`): true only when its value is the boolean true. */
export interface TruthyExpr extends Located {
  readonly kind: 'truthy';
  readonly field: FieldRef;
}

export type Expr = CompareExpr | TextExpr | MatchesExpr | InExpr | LogicalExpr | NotExpr | TruthyExpr | BoolLiteral;

// ---------------------------------------------------------------------------------------------
// Aggregates and group keys

/** An aggregate function's name, as aggregates/registry.ts lists them (`count`, `sum`, `percentile`...). */
export type AggregateFn = string;

/** `count`, `sum(bytes)`, `p99.9(bytes)`. `field` is null only for count. */
export interface AggregateCall extends Located {
  readonly kind: 'aggregate';
  readonly fn: AggregateFn;
  readonly field: FieldRef | null;
  /** For percentile: the rank in (0, 100), e.g. 99.9. Otherwise null. */
  readonly percentile: number | null;
}

/**
 * `bin(time, 5m)`: the record's time floored to a multiple of `ms` counted from the Unix epoch
 * (UTC), so buckets line up across files and time zones.
 */
export interface BinKey extends Located {
  readonly kind: 'bin';
  readonly field: FieldRef;
  /** Bucket width in milliseconds (> 0). */
  readonly ms: number;
  /** Canonical width as written with a lower-case unit, e.g. "5m", "1.5h". */
  readonly width: string;
}

export type GroupKey = FieldRef | BinKey;

// ---------------------------------------------------------------------------------------------
// Stages

/** `where EXPR`, or a bare expression (`implicit` then). */
export interface WhereStage extends Located {
  readonly kind: 'where';
  readonly expr: Expr;
  readonly implicit: boolean;
}

/** `fields a, b`: keep these, in this order. */
export interface FieldsStage extends Located {
  readonly kind: 'fields';
  readonly fields: readonly FieldRef[];
}

/** `count, avg(bytes) by status, bin(time, 1h)`; `groupBy` is empty for a single total row. */
export interface AggregateStage extends Located {
  readonly kind: 'aggregate';
  readonly aggregates: readonly AggregateCall[];
  readonly groupBy: readonly GroupKey[];
}

export interface SortKey extends Located {
  readonly column: FieldRef;
  readonly descending: boolean;
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
 */
export interface TopStage extends Located {
  readonly kind: 'top';
  readonly n: number;
  readonly field: FieldRef;
}

export type Stage = WhereStage | FieldsStage | AggregateStage | SortStage | HeadStage | TopStage;

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
 * `count`, `sum(bytes)`, `count_distinct(host)`, `p99.9(bytes)`, `bin(time,5m)`, `status`.
 */
export function columnName(node: AggregateCall | GroupKey): string {
  switch (node.kind) {
    case 'field':
      return node.name;
    case 'bin':
      return `bin(${node.field.name},${node.width})`;
    case 'aggregate': {
      if (node.fn === 'count') return 'count';
      const fn = node.fn === 'percentile' ? percentileName(node.percentile ?? 0) : node.fn;
      return `${fn}(${node.field?.name ?? ''})`;
    }
  }
}

/** `top N f` spelled out as the stages it abbreviates (all located at the top stage). */
export function expandTop(top: TopStage): Stage[] {
  const at = { start: top.start, end: top.end };
  const countColumn: FieldRef = { kind: 'field', name: 'count', computed: true, ...at };
  return [
    {
      kind: 'aggregate',
      aggregates: [{ kind: 'aggregate', fn: 'count', field: null, percentile: null, ...at }],
      groupBy: [top.field],
      ...at,
    },
    { kind: 'sort', keys: [{ column: countColumn, descending: true, ...at }], ...at },
    { kind: 'head', n: top.n, ...at },
  ];
}
