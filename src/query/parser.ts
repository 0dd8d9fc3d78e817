/**
 * Recursive-descent parser: query text -> AST (see ast.ts for the grammar by example).
 *
 *   query     := [stage ('|' stage)*]
 *   stage     := 'where' expr | 'fields' column (',' column)* | aggregates ['by' key (',' key)*]
 *              | 'sort' column ['asc'|'desc'] (',' ...)* | 'head' N | 'top' [N] column | expr
 *   expr      := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | predicate                  (comparisons bind tighter than not)
 *   predicate := '(' expr ')' | operand [op operand | textop operand | 'matches' regex
 *              | ['not'] 'in' '(' literal (',' literal)* ')']
 *
 * Keywords are case-insensitive; field names are not. A stage keyword followed by an operator is a
 * field name (`count > 10` after an aggregate is a condition on the column `count`).
 */
import {
  columnName,
  type AggregateCall,
  type AggregateStage,
  type BinKey,
  type CompareOp,
  type Expr,
  type FieldRef,
  type GroupKey,
  type Literal,
  type Operand,
  type Query,
  type SortKey,
  type Stage,
  type TextOp,
  type WhereStage,
} from './ast.js';
import { QueryError } from './errors.js';
import { aggregateNamed, aggregateNames } from '../aggregates/registry.js';
import { Lexer, type Token } from './lexer.js';
import { compileMatcher, RegexError, type TextMatcher } from './regex.js';

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const TEXT_OPS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);
/** Words that can never be a field name in an expression. */
const RESERVED: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'in', 'contains', 'startswith', 'endswith', 'matches', 'true', 'false',
]);
const DURATION = /^(\d+(?:\.\d+)?)([a-z]+)$/i;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const STAGE_LIST = `a condition or a stage (where, fields, ${aggregateNames().replaceAll(', ', '/')}, sort, head, top)`;
const AGGREGATE_LIST = `an aggregate (${aggregateNames()})`;
const OPERATOR_LIST = '==, !=, <, <=, >, >=, contains, startswith, endswith, matches or in';
const END = "'|' or the end of the query";

/** Parses a whole query. Throws QueryError with the column of the first mistake. */
export function parseQuery(text: string): Query {
  return new Parser(text).query();
}

export function isAggregateName(word: string): boolean {
  return aggregateNamed(word) !== null;
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the query' : `'${t.text}'`;
}

/**
 * Levels of parentheses and `not` a query may nest. Every later phase walks the tree
 * recursively; a bound here keeps a hostile query (thousands of `(`) a clear error.
 */
export const MAX_NESTING = 100;

/** Stages a query may chain: each is a step of the pipeline, and no real query needs hundreds. */
export const MAX_STAGES = 100;

/**
 * `a and b and c ...` as a balanced tree of binary nodes, so that a chain of thousands of terms
 * is only log2(n) deep for the recursive phases. Evaluation order, left to right with short
 * circuits, is the same as for the left-nested tree, since and/or are associative.
 */
function balanced(kind: 'and' | 'or', terms: readonly Expr[]): Expr {
  if (terms.length === 1) return terms[0]!;
  const middle = Math.ceil(terms.length / 2);
  const left = balanced(kind, terms.slice(0, middle));
  const right = balanced(kind, terms.slice(middle));
  return { kind, left, right, start: left.start, end: right.end };
}

class Parser {
  private readonly lexer: Lexer;
  private i = 0;
  /** Current nesting of parentheses and `not` (see MAX_NESTING). */
  private depth = 0;
  /** End offset of the last consumed token, for node spans. */
  private lastEnd = 0;

  constructor(private readonly text: string) {
    this.lexer = new Lexer(text);
  }

  // --- token helpers -------------------------------------------------------------------------

  private peek(k = 0): Token {
    return this.lexer.at(this.i + k);
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.i++;
      this.lastEnd = t.end;
    }
    return t;
  }

  private static isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  /** The lower-cased word when t is an identifier, else null. */
  private static word(t: Token): string | null {
    return t.kind === 'ident' ? t.value.toLowerCase() : null;
  }

  /** "expected X" at t; names what was found unless the query just ended. */
  private expected(what: string, t: Token = this.peek()): QueryError {
    return new QueryError(t.kind === 'eof' ? `expected ${what}` : `expected ${what}, found ${describe(t)}`, t.start);
  }

  private unexpected(expected: string, t: Token = this.peek()): QueryError {
    return new QueryError(`unexpected ${describe(t)}: expected ${expected}`, t.start);
  }

  /** Consumes ')' closing the '(' at `open`. */
  private close(open: Token, expected: string): void {
    const t = this.peek();
    if (Parser.isOp(t, ')')) {
      this.next();
      return;
    }
    if (t.kind === 'eof') throw new QueryError("unclosed '(': expected ')'", open.start);
    throw this.unexpected(expected, t);
  }

  private endOfStage(expected: string): void {
    const t = this.peek();
    if (t.kind !== 'eof' && !Parser.isOp(t, '|')) throw this.unexpected(expected, t);
  }

  /** Does token k start an operator that makes the preceding word an operand? */
  private operatorAt(k: number): boolean {
    const t = this.peek(k);
    if (t.kind === 'op') return COMPARE_OPS.has(t.text);
    const w = Parser.word(t);
    if (w === null) return false;
    if (TEXT_OPS.has(w) || w === 'matches' || w === 'in') return true;
    return w === 'not' && Parser.word(this.peek(k + 1)) === 'in';
  }

  // --- stages --------------------------------------------------------------------------------

  query(): Query {
    const stages: Stage[] = [];
    if (this.peek().kind === 'eof') return { text: this.text, stages };
    for (;;) {
      if (stages.length === MAX_STAGES) {
        throw new QueryError(`a query may have at most ${MAX_STAGES} stages`, this.peek().start);
      }
      stages.push(this.stage(stages.length === 0));
      const t = this.next();
      if (t.kind === 'eof') return { text: this.text, stages };
      // endOfStage guarantees t is '|'
    }
  }

  private stage(first: boolean): Stage {
    const t = this.peek();
    if (t.kind === 'eof' || Parser.isOp(t, '|')) {
      const where = first ? "before '|'" : "after '|'";
      throw new QueryError(`expected ${STAGE_LIST} ${where}`, t.start);
    }
    const w = Parser.word(t);
    if (w !== null && !this.operatorAt(1)) {
      switch (w) {
        case 'where':
          return this.whereStage();
        case 'fields':
          return this.fieldsStage();
        case 'sort':
          return this.sortStage();
        case 'head':
          return this.headStage();
        case 'top':
          return this.topStage();
      }
      if (isAggregateName(w)) {
        // `count() > 5` is a condition on a column; `count by x` an aggregate. Parse the call,
        // then decide by what follows it.
        const saved = this.i;
        const savedEnd = this.lastEnd;
        const call = this.aggregateCall(AGGREGATE_LIST);
        if (!this.operatorAt(0)) return this.aggregateStage(call);
        this.i = saved;
        this.lastEnd = savedEnd;
      }
    }
    const expr = this.expr(STAGE_LIST);
    this.endOfStage(`'and', 'or', ${END}`);
    return { kind: 'where', expr, implicit: true, start: expr.start, end: expr.end };
  }

  private whereStage(): WhereStage {
    const kw = this.next();
    const expr = this.expr("a condition after 'where'");
    this.endOfStage(`'and', 'or', ${END}`);
    return { kind: 'where', expr, implicit: false, start: kw.start, end: expr.end };
  }

  private fieldsStage(): Stage {
    const kw = this.next();
    const fields = [this.column("a field name after 'fields'")];
    while (Parser.isOp(this.peek(), ',')) {
      this.next();
      fields.push(this.column("a field name after ','"));
    }
    this.endOfStage(`',', ${END}`);
    return { kind: 'fields', fields, start: kw.start, end: this.lastEnd };
  }

  private aggregateStage(firstCall: AggregateCall): AggregateStage {
    const aggregates = [firstCall];
    while (Parser.isOp(this.peek(), ',')) {
      this.next();
      aggregates.push(this.aggregateCall(`${AGGREGATE_LIST} after ','`));
    }
    const groupBy: GroupKey[] = [];
    if (Parser.word(this.peek()) === 'by') {
      this.next();
      groupBy.push(this.groupKey("a field name after 'by'"));
      while (Parser.isOp(this.peek(), ',')) {
        this.next();
        groupBy.push(this.groupKey("a field name after ','"));
      }
      this.endOfStage(`',', ${END}`);
    } else {
      this.endOfStage(`',', 'by', ${END}`);
    }
    return { kind: 'aggregate', aggregates, groupBy, start: firstCall.start, end: this.lastEnd };
  }

  private sortStage(): Stage {
    const kw = this.next();
    const keys = [this.sortKey("a column to sort by after 'sort'")];
    while (Parser.isOp(this.peek(), ',')) {
      this.next();
      keys.push(this.sortKey("a column to sort by after ','"));
    }
    this.endOfStage(`',', ${END}`);
    return { kind: 'sort', keys, start: kw.start, end: this.lastEnd };
  }

  private sortKey(expected: string): SortKey {
    const column = this.column(expected);
    const w = Parser.word(this.peek());
    if (w === 'asc' || w === 'desc') this.next();
    else if (this.peek().kind !== 'eof' && !Parser.isOp(this.peek(), '|') && !Parser.isOp(this.peek(), ',')) {
      throw this.unexpected(`'asc', 'desc', ',', ${END}`);
    }
    return { column, descending: w === 'desc', start: column.start, end: this.lastEnd };
  }

  private headStage(): Stage {
    const kw = this.next();
    const n = this.rowCount('head', "a number after 'head'");
    this.endOfStage(END);
    return { kind: 'head', n, start: kw.start, end: this.lastEnd };
  }

  /** `top N f`; N defaults to 10 when left out (`top path`). */
  private topStage(): Stage {
    const kw = this.next();
    const t = this.peek();
    const n = t.kind === 'ident' ? 10 : this.rowCount('top', "a number after 'top' (top 10 path)");
    const field = this.column(`a field name after 'top ${n}'`);
    this.endOfStage(END);
    return { kind: 'top', n, field, start: kw.start, end: this.lastEnd };
  }

  /** A row count for head/top: a whole number >= 0. */
  private rowCount(stage: string, expected: string): number {
    const t = this.peek();
    if (t.kind === 'eof' || Parser.isOp(t, '|')) throw this.expected(expected, t);
    const n = Number(t.text);
    if (t.kind !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new QueryError(`${stage} needs a whole number of rows (e.g. ${stage} 10), found ${describe(t)}`, t.start);
    }
    this.next();
    return n;
  }

  // --- aggregates, group keys, column references ----------------------------------------------

  private aggregateCall(expected: string): AggregateCall {
    const t = this.peek();
    const w = Parser.word(t);
    const named = w === null ? null : aggregateNamed(w);
    if (w === null || named === null) throw this.expected(expected, t);
    this.next();
    if (named.kind.takes === 'nothing') {
      if (Parser.isOp(this.peek(), '(')) {
        const open = this.next();
        if (!Parser.isOp(this.peek(), ')')) {
          if (this.peek().kind === 'eof') throw new QueryError("unclosed '(': expected ')'", open.start);
          throw new QueryError(
            `${named.kind.name} takes no field: write ${named.kind.name} (or count_distinct(f) to count distinct values)`,
            this.peek().start,
          );
        }
        this.next();
      }
      return { kind: 'aggregate', fn: named.kind.name, field: null, percentile: null, start: t.start, end: this.lastEnd };
    }
    const percentile = named.percentile;
    if (percentile !== null && !(percentile > 0 && percentile < 100)) {
      throw new QueryError(`percentile must be between 0 and 100 (e.g. p99 or p99.9), found '${t.text}'`, t.start);
    }
    const open = this.peek();
    if (!Parser.isOp(open, '(')) throw this.expected(`'(' after '${w}' (e.g. ${w}(bytes))`, open);
    this.next();
    const field = this.column(`a field name in ${w}(...)`);
    this.close(open, `')' after the field name`);
    return { kind: 'aggregate', fn: named.kind.name, field, percentile, start: t.start, end: this.lastEnd };
  }

  private groupKey(expected: string): GroupKey {
    const t = this.peek();
    const w = Parser.word(t);
    if (w !== null && Parser.isOp(this.peek(1), '(')) {
      if (w === 'bin') return this.binKey();
      if (isAggregateName(w)) throw new QueryError(`cannot group by an aggregate: put '${w}(...)' before 'by'`, t.start);
    }
    return this.column(expected);
  }

  /** `bin(time, 5m)`: units s, m, h, d. */
  private binKey(): BinKey {
    const kw = this.next();
    const open = this.next(); // '(' checked by the caller
    const field = this.column("a time field in bin(...)");
    const comma = this.peek();
    if (!Parser.isOp(comma, ',')) throw this.expected("',' and a bucket width in bin(time, 5m)", comma);
    this.next();
    const d = this.peek();
    const m = d.kind === 'duration' ? DURATION.exec(d.text) : null;
    if (d.kind === 'number') throw new QueryError(`bucket width needs a unit, e.g. ${d.text}m (units s, m, h, d)`, d.start);
    if (!m) throw this.expected('a bucket width like 5m (units s, m, h, d)', d);
    const unit = m[2]!.toLowerCase();
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) throw new QueryError(`unknown time unit '${m[2]}' in '${d.text}' (use s, m, h or d)`, d.start);
    const amount = Number(m[1]);
    const ms = Math.round(amount * unitMs);
    if (ms < 1) throw new QueryError(`bucket width must be more than zero, found '${d.text}'`, d.start);
    this.next();
    this.close(open, "')' after the bucket width");
    return { kind: 'bin', field, ms, width: `${String(amount)}${unit}`, start: kw.start, end: this.lastEnd };
  }

  /** A field, or a computed column (`sum(bytes)`, `count()`, `bin(time, 5m)`). */
  private column(expected: string): FieldRef {
    const t = this.peek();
    const w = Parser.word(t);
    if (w === null || RESERVED.has(w)) throw this.expected(expected, t);
    if (Parser.isOp(this.peek(1), '(')) return this.computedColumn();
    this.next();
    return { kind: 'field', name: t.text, computed: false, start: t.start, end: t.end };
  }

  private computedColumn(): FieldRef {
    const t = this.peek();
    const w = Parser.word(t)!;
    let node: AggregateCall | BinKey;
    if (w === 'bin') node = this.binKey();
    else if (isAggregateName(w)) node = this.aggregateCall(AGGREGATE_LIST);
    else {
      throw new QueryError(
        `unknown function '${t.text}' (functions: count, sum, avg, min, max, count_distinct, pNN, bin)`,
        t.start,
      );
    }
    return { kind: 'field', name: columnName(node), computed: true, start: node.start, end: node.end };
  }

  // --- expressions ---------------------------------------------------------------------------

  /** `expected` names what should start the expression, for the error when nothing does. */
  private expr(expected: string): Expr {
    const terms = [this.andExpr(expected)];
    while (Parser.word(this.peek()) === 'or') {
      this.next();
      terms.push(this.andExpr("a condition after 'or'"));
    }
    return balanced('or', terms);
  }

  private andExpr(expected: string): Expr {
    const terms = [this.notExpr(expected)];
    while (Parser.word(this.peek()) === 'and') {
      this.next();
      terms.push(this.notExpr("a condition after 'and'"));
    }
    return balanced('and', terms);
  }

  private notExpr(expected: string): Expr {
    const t = this.peek();
    if (Parser.word(t) === 'not') {
      this.next();
      this.enter(t);
      const operand = this.notExpr("a condition after 'not'");
      this.depth--;
      return { kind: 'not', operand, start: t.start, end: operand.end };
    }
    return this.predicate(expected);
  }

  /** Counts one level of nesting at `t`; too many is a query error, not a stack overflow later. */
  private enter(t: Token): void {
    if (++this.depth > MAX_NESTING) {
      throw new QueryError(`the query nests too deeply (more than ${MAX_NESTING} levels of parentheses or not)`, t.start);
    }
  }

  private predicate(expected: string): Expr {
    const t = this.peek();
    if (Parser.isOp(t, '(')) {
      this.next();
      this.enter(t);
      const inner = this.expr("a condition after '('");
      this.close(t, "'and', 'or' or ')'");
      this.depth--;
      // The node's span includes its parentheses, so enclosing nodes cover them too.
      return { ...inner, start: t.start, end: this.lastEnd };
    }
    const left = this.operand(expected);
    const op = this.peek();
    const w = Parser.word(op);
    if (op.kind === 'op' && COMPARE_OPS.has(op.text)) {
      this.next();
      const right = this.operand(`a value after '${op.text}'`);
      return { kind: 'compare', op: op.text as CompareOp, left, right, start: left.start, end: right.end };
    }
    if (w !== null && TEXT_OPS.has(w)) {
      this.next();
      const right = this.operand(`a string after '${w}'`);
      return { kind: 'text', op: w as TextOp, left, right, start: left.start, end: right.end };
    }
    if (w === 'matches') {
      this.next();
      const regex = this.regex();
      return { kind: 'matches', subject: left, regex, start: left.start, end: this.lastEnd };
    }
    if (w === 'in' || w === 'not') {
      this.next();
      if (w === 'not') {
        if (Parser.word(this.peek()) !== 'in') {
          throw this.expected("'in' after 'not' (to negate a condition, write not before it)");
        }
        this.next();
      }
      const values = this.list(w === 'not' ? 'not in' : 'in');
      return { kind: 'in', subject: left, values, negated: w === 'not', start: left.start, end: this.lastEnd };
    }
    return this.bareOperand(left);
  }

  /** An operand with no operator after it: a field stands for "is true", true/false for itself. */
  private bareOperand(left: Operand): Expr {
    const t = this.peek();
    if (t.kind === 'ident' && !RESERVED.has(t.value.toLowerCase())) {
      throw new QueryError(`unknown operator '${t.text}' (expected ${OPERATOR_LIST})`, t.start);
    }
    if (t.kind === 'string' || t.kind === 'number' || t.kind === 'duration' || t.kind === 'regex') {
      throw new QueryError(`expected an operator (${OPERATOR_LIST}) before ${describe(t)}`, t.start);
    }
    switch (left.kind) {
      case 'field':
        return { kind: 'truthy', field: left, start: left.start, end: left.end };
      case 'bool':
        return left;
      default:
        throw new QueryError(
          `a ${left.kind} by itself is not a condition: compare a field with it (e.g. message contains "timeout")`,
          left.start,
        );
    }
  }

  private operand(expected: string): Operand {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), text: t.text, start: t.start, end: t.end };
      case 'ident': {
        const w = t.value.toLowerCase();
        if (w === 'true' || w === 'false') {
          this.next();
          return { kind: 'bool', value: w === 'true', start: t.start, end: t.end };
        }
        return this.column(expected);
      }
      default:
        throw this.expected(expected, t);
    }
  }

  /** After `matches`: /re/flags or a string holding the pattern. */
  private regex(): TextMatcher {
    const t = this.peek();
    if (t.kind !== 'regex' && t.kind !== 'string') throw this.expected("/regex/ or a string after 'matches'", t);
    try {
      const matcher = compileMatcher(t.value, t.flags);
      this.next();
      return matcher;
    } catch (e) {
      if (e instanceof RegexError) throw new QueryError(e.message, t.start);
      throw e;
    }
  }

  /** `( literal, ... )` after in / not in. */
  private list(after: string): Literal[] {
    const open = this.peek();
    if (!Parser.isOp(open, '(')) throw this.expected(`'(' after '${after}', e.g. ${after} (200, 304)`, open);
    this.next();
    const values: Literal[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' && values.length > 0) throw new QueryError("unclosed '(': expected ')'", open.start);
      const value = this.operand('a string, number, true or false in the list');
      if (value.kind === 'field') {
        throw new QueryError(`the list after '${after}' holds values, not fields: quote '${value.name}' to use it as text`, value.start);
      }
      values.push(value);
      const sep = this.peek();
      if (Parser.isOp(sep, ',')) {
        this.next();
        continue;
      }
      this.close(open, "',' or ')' in the list");
      return values;
    }
  }
}
