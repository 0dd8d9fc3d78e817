/**
 * Compiles a condition into a closure over FieldReaders: `(batch, row) => boolean`, built once
 * per (query, scope) and called per row in the record phase.
 *
 * Hot-path choices:
 * - string literals (==, !=, startswith, endswith, contains, in) are encoded to bytes once and
 *   compared against `reader.span` when the reader offers it: no string is decoded per row;
 * - numbers and times compare `reader.num` (epoch ms for times) against a number fixed at
 *   compile time;
 * - each operator gets its own closure, so the per-row code has no switch on the operator.
 *
 * Missing fields: every comparison is false except `!=` and `not in`, which are true (see
 * semantics.ts). A field the parser can never have (no reader) is missing on every row.
 *
 * Computed operands (`bytes / 1024`, `lower(agent)`) are readers too (compile-operand.ts), so a
 * comparison has one shape whatever its sides are: a reader against a literal, or two readers.
 */
import type { LineBatch } from '../core/batch.js';
import type { FieldReader, ReaderScope } from '../core/format.js';
import { Instant } from '../core/value.js';
import type { CompareExpr, CompareOp, Expr, InExpr, Literal, MatchesExpr, Operand, TextExpr } from './ast.js';
import { containsAt, endsWithAt, equalsAnyAt, equalsAt, startsWithAt } from './bytes.js';
import { QueryError } from './errors.js';
import {
  compareMixed,
  compareNumbers,
  exactInteger,
  compareStrings,
  satisfiesComparison,
  flip,
  literalText,
  literalValue,
  toText,
} from './semantics.js';
import { operandReader } from './compile-operand.js';
import { severityRank } from './severity.js';
import { jsonList } from './lists.js';
import { parseInstant } from './time-literal.js';

/** A condition over row `row` of `b`: a LineBatch in the record phase, a Row after an aggregate. */
export type Predicate<B = LineBatch> = (b: B, row: number) => boolean;
export type BatchPredicate = Predicate<LineBatch>;

type SpanReader<B> = FieldReader<B> & { span: NonNullable<FieldReader<B>['span']> };

function hasSpan<B>(reader: FieldReader<B>): reader is SpanReader<B> {
  return typeof reader.span === 'function';
}

const ALWAYS = (): boolean => true;
const NEVER = (): boolean => false;

function constant<B>(value: boolean): Predicate<B> {
  return value ? ALWAYS : NEVER;
}

export function compilePredicate<B>(expr: Expr, scope: ReaderScope<B>): Predicate<B> {
  switch (expr.kind) {
    case 'bool':
      return constant(expr.value);
    case 'and': {
      const left = compilePredicate(expr.left, scope);
      const right = compilePredicate(expr.right, scope);
      return (b, row) => left(b, row) && right(b, row);
    }
    case 'or': {
      const left = compilePredicate(expr.left, scope);
      const right = compilePredicate(expr.right, scope);
      return (b, row) => left(b, row) || right(b, row);
    }
    case 'not': {
      const inner = compilePredicate(expr.operand, scope);
      return (b, row) => !inner(b, row);
    }
    case 'truthy': {
      const reader = operandReader(expr.field, scope);
      if (reader === undefined) return NEVER;
      return (b, row) => reader.value(b, row) === true;
    }
    case 'compare':
      return compileCompare(expr, scope);
    case 'text':
      return compileText(expr, scope);
    case 'matches':
      return compileMatches(expr, scope);
    case 'in':
      return compileIn(expr, scope);
  }
}

/**
 * A literal compared with a time reader but left as a string (the query was not typechecked):
 * read it as a time here, once.
 */
function asTimeIfNeeded<B>(reader: FieldReader<B>, lit: Literal): Literal {
  if (reader.type !== 'time' || lit.kind !== 'string') return lit;
  const instant = parseInstant(lit.value);
  if (instant === null) throw new QueryError(`'${lit.value}' is not a time`, lit.start);
  return { kind: 'time', value: instant, text: lit.value, start: lit.start, end: lit.end };
}

// --- comparisons ------------------------------------------------------------------------------

function compileCompare<B>(expr: CompareExpr, scope: ReaderScope<B>): Predicate<B> {
  let { op, left, right } = expr;
  if (isLiteral(left) && !isLiteral(right)) {
    [left, right, op] = [right, left, flip(op)];
  }
  if (isLiteral(left)) {
    return constant(satisfiesComparison(op, literalValue(left), literalValue(right as Literal)));
  }
  const reader = operandReader(left, scope);
  if (reader === undefined) return constant(op === '!=');
  if (!isLiteral(right)) return compareReaders(op, reader, right, scope);

  const lit = asTimeIfNeeded(reader, right);
  if (expr.severity && lit.kind === 'string') return compareSeverity(op, reader, lit.value);
  switch (lit.kind) {
    case 'number': {
      const exact = exactInteger(lit.text);
      return exact === null ? compareNumber(op, reader, lit.value) : compareExactInteger(op, reader, exact);
    }
    case 'time':
      return lit.floating ? compareWallClock(op, reader, lit.value.ms) : compareNumber(op, reader, lit.value.ms);
    case 'bool': {
      const v = lit.value;
      if (op === '==') return (b, row) => reader.value(b, row) === v;
      if (op === '!=') return (b, row) => reader.value(b, row) !== v;
      return NEVER;
    }
    case 'string':
      if (op === '==') return stringEquals(reader, lit.value, false);
      if (op === '!=') return stringEquals(reader, lit.value, true);
      return compareText(op, reader, lit.value);
  }
}

function isLiteral(op: Operand): op is Literal {
  return op.kind === 'string' || op.kind === 'number' || op.kind === 'bool' || op.kind === 'time';
}

/** Widest UTC offset a log may write, with room to spare: past it, a record's offset cannot change an answer. */
const MAX_OFFSET_MS = 26 * 3_600_000;

/**
 * A time compared with a zoneless literal: the record's wall-clock time (its instant plus the
 * offset its log wrote) against the literal read as UTC. Only records within a day of the
 * literal need their offset (an Instant read); the rest are decided by `num` alone.
 */
function compareWallClock<B>(op: CompareOp, reader: FieldReader<B>, wall: number): Predicate<B> {
  const low = wall - MAX_OFFSET_MS;
  const high = wall + MAX_OFFSET_MS;
  return (b, row) => {
    const x = reader.num(b, row);
    if (x !== x) return op === '!=';
    if (x < low) return compareNumbers(op, 0, 1);
    if (x > high) return compareNumbers(op, 1, 0);
    const v = reader.value(b, row);
    const local = v instanceof Instant ? v.ms + v.offsetMinutes * 60_000 : x;
    return compareNumbers(op, local, wall);
  };
}

/** `level op "WARN"`: by severity rank; equality in any case. Values that are not levels compare false (true for !=). */
function compareSeverity<B>(op: CompareOp, reader: FieldReader<B>, name: string): Predicate<B> {
  const rank = severityRank(name);
  if (rank !== rank) {
    // Not a level name (the checker lets equality through): text in any case.
    const lower = name.toLowerCase();
    if (op === '==') return (b, row) => reader.str(b, row)?.toLowerCase() === lower;
    if (op === '!=') return (b, row) => reader.str(b, row)?.toLowerCase() !== lower;
    return NEVER;
  }
  return (b, row) => compareNumbers(op, severityRank(reader.value(b, row)), rank);
}

/** `reader op x` on numbers; NaN (missing, not numeric) is false for all but `!=`. */
function compareNumber<B>(op: CompareOp, reader: FieldReader<B>, x: number): Predicate<B> {
  switch (op) {
    case '==':
      return (b, row) => reader.num(b, row) === x;
    case '!=':
      return (b, row) => reader.num(b, row) !== x;
    case '<':
      return (b, row) => reader.num(b, row) < x;
    case '<=':
      return (b, row) => reader.num(b, row) <= x;
    case '>':
      return (b, row) => reader.num(b, row) > x;
    case '>=':
      return (b, row) => reader.num(b, row) >= x;
  }
}

/**
 * `reader op n` for an integer literal past 2^53, where doubles cannot tell neighbours apart: the
 * field's exact value (readers give bigints for such integers) against the bigint, exactly.
 * Rare, so the slow path is fine. Literals within 2^53 need none of this: rounding a field's
 * huge integer to a double keeps its order against any safe integer.
 */
function compareExactInteger<B>(op: CompareOp, reader: FieldReader<B>, n: bigint): Predicate<B> {
  return (b, row) => {
    const v = reader.value(b, row);
    const x = typeof v === 'bigint' ? v : typeof v === 'number' ? v : reader.num(b, row);
    if (typeof x === 'number' && x !== x) return op === '!=';
    return compareMixed(op, x, n);
  };
}

/** Ordering of a field's text against a string (code-unit order). */
function compareText<B>(op: CompareOp, reader: FieldReader<B>, text: string): Predicate<B> {
  return (b, row) => compareStrings(op, reader.str(b, row), text);
}

/** `==` / `!=` against a string: bytes when the reader has spans, else the decoded string. */
function stringEquals<B>(reader: FieldReader<B>, text: string, negate: boolean): Predicate<B> {
  if (hasSpan(reader)) {
    const lit = Buffer.from(text, 'utf8');
    const out = new Int32Array(2);
    if (negate) {
      return (b, row) => {
        const buf = reader.span(b, row, out);
        return !(buf !== null && equalsAt(buf, out[0]!, out[1]!, lit));
      };
    }
    return (b, row) => {
      const buf = reader.span(b, row, out);
      return buf !== null && equalsAt(buf, out[0]!, out[1]!, lit);
    };
  }
  if (negate) return (b, row) => reader.str(b, row) !== text;
  return (b, row) => reader.str(b, row) === text;
}

/** Value against value: numerically when either side is a number or time, else as text. */
function compareReaders<B>(op: CompareOp, a: FieldReader<B>, other: Operand, scope: ReaderScope<B>): Predicate<B> {
  const c = operandReader(other, scope);
  if (c === undefined) return constant(op === '!=');
  const numeric = (t: FieldReader<B>['type']): boolean => t === 'number' || t === 'time';
  if (numeric(a.type) || numeric(c.type)) return (b, row) => compareNumbers(op, a.num(b, row), c.num(b, row));
  if (a.type === 'any' || c.type === 'any') {
    // Dynamic values: numbers when both read as numbers, else text.
    return (b, row) => {
      const x = a.num(b, row);
      const y = c.num(b, row);
      if (x === x && y === y) return compareNumbers(op, x, y);
      return compareStrings(op, a.str(b, row), c.str(b, row));
    };
  }
  return (b, row) => compareStrings(op, a.str(b, row), c.str(b, row));
}

// --- text operators ---------------------------------------------------------------------------

type SpanTest = (buf: Uint8Array, start: number, end: number, lit: Uint8Array) => boolean;
type StringTest = (s: string, lit: string) => boolean;

const TEXT_TESTS: Readonly<Record<TextExpr['op'], { span: SpanTest; str: StringTest }>> = {
  contains: { span: containsAt, str: (s, lit) => s.includes(lit) },
  startswith: { span: startsWithAt, str: (s, lit) => s.startsWith(lit) },
  endswith: { span: endsWithAt, str: (s, lit) => s.endsWith(lit) },
};

function compileText<B>(expr: TextExpr, scope: ReaderScope<B>): Predicate<B> {
  const tests = TEXT_TESTS[expr.op];
  const { left, right } = expr;
  if (!isLiteral(left) && isLiteral(right)) {
    const reader = operandReader(left, scope);
    if (reader === undefined) return NEVER;
    const text = literalText(right);
    if (expr.op === 'contains' && reader.type !== 'string') return listOrTextContains(reader, text);
    if (hasSpan(reader)) {
      const lit = Buffer.from(text, 'utf8');
      if (expr.op === 'contains' && lit.length > 0) return forwardContains(reader, lit);
      const out = new Int32Array(2);
      const test = tests.span;
      return (b, row) => {
        const buf = reader.span(b, row, out);
        return buf !== null && test(buf, out[0]!, out[1]!, lit);
      };
    }
    const test = tests.str;
    return (b, row) => {
      const s = reader.str(b, row);
      return s !== undefined && test(s, text);
    };
  }
  // Rare shapes (a literal on the left, two values): decode both sides.
  const l = textGetter(left, scope);
  const r = textGetter(right, scope);
  const test = tests.str;
  return (b, row) => {
    const s = l(b, row);
    const t = r(b, row);
    return s !== undefined && t !== undefined && test(s, t);
  };
}

/**
 * `contains` over spans of the batch's own buffer: the next occurrence of the literal at or after
 * a span is found once with Buffer.indexOf (native, far faster than a byte loop over long lines)
 * and kept while the rows after it (selections ascend) lie before it; `line contains` on a rare
 * word costs one search per batch rather than a scan per line. Spans elsewhere (a decoded copy)
 * or out of order are searched on their own.
 */
function forwardContains<B>(reader: SpanReader<B>, lit: Buffer): Predicate<B> {
  const out = new Int32Array(2);
  const n = lit.length;
  let batch: B | null = null;
  let lastEnd = 0;
  let hit = -1;
  return (b, row) => {
    const buf = reader.span(b, row, out);
    if (buf === null) return false;
    const start = out[0]!;
    const end = out[1]!;
    if (end - start < n) return false;
    const own = (b as { buf?: unknown }).buf === buf;
    if (!own) return containsAt(buf, start, end, lit);
    if (b !== batch || start < lastEnd || (hit >= 0 && hit < start)) {
      batch = b;
      hit = (buf as Buffer).indexOf(lit, start);
    }
    lastEnd = end;
    return hit >= 0 && hit + n <= end;
  };
}

/**
 * `tags contains "x"` on a dynamic value: when the value is a list (JSON array text), whether
 * an element equals x; otherwise whether its text contains x.
 */
function listOrTextContains<B>(reader: FieldReader<B>, text: string): Predicate<B> {
  return (b, row) => {
    const v = reader.value(b, row);
    const list = jsonList(v);
    if (list !== null) return list.some((e) => toText(e) === text);
    const s = toText(v);
    return s !== undefined && s.includes(text);
  };
}

function textGetter<B>(op: Operand, scope: ReaderScope<B>): (b: B, row: number) => string | undefined {
  if (isLiteral(op)) {
    const text = literalText(op);
    return () => text;
  }
  const reader = operandReader(op, scope);
  if (reader === undefined) return () => undefined;
  return (b, row) => reader.str(b, row);
}

function compileMatches<B>(expr: MatchesExpr, scope: ReaderScope<B>): Predicate<B> {
  const regex = expr.regex;
  if (isLiteral(expr.subject)) return constant(regex.test(toText(literalValue(expr.subject)) ?? ''));
  const reader = operandReader(expr.subject, scope);
  if (reader === undefined) return NEVER;
  return (b, row) => {
    const s = reader.str(b, row);
    return s !== undefined && regex.test(s);
  };
}

// --- in / not in ------------------------------------------------------------------------------

function compileIn<B>(expr: InExpr, scope: ReaderScope<B>): Predicate<B> {
  const { subject, negated } = expr;
  if (isLiteral(subject)) {
    const v = literalValue(subject);
    const hit = expr.values.some((lit) => satisfiesComparison('==', v, literalValue(lit)));
    return constant(hit !== negated);
  }
  const reader = operandReader(subject, scope);
  if (reader === undefined) return constant(negated);
  if (expr.severity) {
    const names = new Set(expr.values.map((lit) => literalText(lit).toLowerCase()));
    return (b, row) => {
      const s = reader.str(b, row);
      return (s !== undefined && names.has(s.toLowerCase())) !== negated;
    };
  }

  const numbers = new Set<number>();
  const strings: string[] = [];
  const bools = new Set<boolean>();
  const parts: Predicate<B>[] = [];
  for (const value of expr.values) {
    const lit = asTimeIfNeeded(reader, value);
    if (lit.kind === 'number') numbers.add(lit.value);
    else if (lit.kind === 'time' && lit.floating) parts.push(compareWallClock('==', reader, lit.value.ms));
    else if (lit.kind === 'time') numbers.add(lit.value.ms);
    else if (lit.kind === 'bool') bools.add(lit.value);
    else strings.push(lit.value);
  }

  if (numbers.size > 0) parts.push((b, row) => numbers.has(reader.num(b, row)));
  if (strings.length > 0) parts.push(stringsIn(reader, strings));
  if (bools.size > 0) {
    parts.push((b, row) => {
      const v = reader.value(b, row);
      return typeof v === 'boolean' && bools.has(v);
    });
  }
  const hit = anyOf(parts);
  return negated ? (b, row) => !hit(b, row) : hit;
}

function stringsIn<B>(reader: FieldReader<B>, strings: readonly string[]): Predicate<B> {
  if (hasSpan(reader)) {
    const lits = strings.map((s) => Buffer.from(s, 'utf8'));
    const out = new Int32Array(2);
    return (b, row) => {
      const buf = reader.span(b, row, out);
      return buf !== null && equalsAnyAt(buf, out[0]!, out[1]!, lits);
    };
  }
  const set = new Set(strings);
  return (b, row) => {
    const s = reader.str(b, row);
    return s !== undefined && set.has(s);
  };
}

function anyOf<B>(parts: readonly Predicate<B>[]): Predicate<B> {
  if (parts.length === 0) return NEVER;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) {
    const [p, q] = parts as [Predicate<B>, Predicate<B>];
    return (b, row) => p(b, row) || q(b, row);
  }
  return (b, row) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(b, row)) return true;
    return false;
  };
}
