/**
 * Recursive-descent parser: query text -> AST (see ast.ts for the grammar by example).
 *
 *   query     := [stage ('|' stage)*]
 *   stage     := 'where' expr | 'fields' item (',' item)* | aggregates ['by' key (',' key)*]
 *              | 'sort' column ['asc'|'desc'] (',' ...)* | 'head' N | 'top' [N] column ['by' column, ...]
 *              | 'let' name '=' value | 'parse' (regex | string) ['from' value] ['as' names] ['nodrop']
 *              | expr
 *   item      := value ['=' ...] | name '=' value
 *   expr      := and ('or' and)*
 *   and       := not ('and' not)*
 *   not       := 'not' not | predicate                  (comparisons bind tighter than not)
 *   predicate := '(' expr ')' | value [op value | textop value | 'matches' regex
 *              | ['not'] 'in' '(' literal (',' literal)* ')']
 *   value     := term (('+' | '-') term)*               (arithmetic binds tighter than comparisons)
 *   term      := unary (('*' | '/' | '%') unary)*
 *   unary     := '-' unary | primary ('[' value ']')*
 *   primary   := literal | name | function '(' [expr (',' expr)*] ')' | '(' value ')'
 *
 * Keywords are case-insensitive; field names are not, and a name in backticks is never a keyword.
 * A stage keyword followed by an operator is a field name (`count > 10` after an aggregate is a
 * condition on the column `count`).
 */
import {
  columnName,
  renderOperand,
  type ArithOp,
  type AggregateCall,
  type AggregateStage,
  type BinKey,
  type CompareOp,
  type Expr,
  type ExtractPattern,
  type FieldItem,
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
import { functionNames, valueFunction } from './functions.js';
import { compileExtractor, compileMatcher, RegexError, type TextMatcher } from './regex.js';
import { closestName } from './suggest.js';

const COMPARE_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);
const TEXT_OPS: ReadonlySet<string> = new Set(['contains', 'startswith', 'endswith']);
/** Words that can never be a field name in an expression. */
const RESERVED: ReadonlySet<string> = new Set([
  'and', 'or', 'not', 'in', 'contains', 'startswith', 'endswith', 'matches', 'true', 'false',
]);
const DURATION = /^(\d+(?:\.\d+)?)([a-z]+)$/i;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const STAGE_LIST = `a condition or a stage (where, fields, let, parse, ${aggregateNames().replaceAll(', ', '/')}, sort, head, top)`;
/** Words that start a stage, for typo help (`cuont by status`). */
const STAGE_WORDS = ['where', 'fields', 'let', 'parse', 'sort', 'head', 'top', 'count', 'sum', 'avg', 'min', 'max', 'count_distinct', 'stddev', 'median', 'first', 'last', 'sample'];
const ARITH_OPS: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%']);
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

  /** The lower-cased word when t is an identifier that may be a keyword (not one in backticks), else null. */
  private static word(t: Token): string | null {
    return t.kind === 'ident' && t.flags !== 'quoted' ? t.value.toLowerCase() : null;
  }

  /** The field name a name token stands for: as written, without an nginx `$`. */
  private static fieldName(t: Token): string {
    return t.flags !== 'quoted' && t.value.startsWith('$') && t.value.length > 1 ? t.value.slice(1) : t.value;
  }

  /** Saves the position, to come back to it when a guess about what follows was wrong. */
  private mark(): { i: number; lastEnd: number; depth: number } {
    return { i: this.i, lastEnd: this.lastEnd, depth: this.depth };
  }

  private reset(m: { i: number; lastEnd: number; depth: number }): void {
    this.i = m.i;
    this.lastEnd = m.lastEnd;
    this.depth = m.depth;
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
    if (t.kind === 'op') return COMPARE_OPS.has(t.text) || ARITH_OPS.has(t.text);
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
    // `head -1` is a bad head, not the field head minus one.
    const negativeCount = (w === 'head' || w === 'top') && Parser.isOp(this.peek(1), '-') && this.peek(2).kind === 'number';
    if (w !== null && (!this.operatorAt(1) || negativeCount)) {
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
        case 'let':
          return this.letStage();
        case 'parse':
          return this.parseStage();
      }
      if (isAggregateName(w)) {
        // `count() > 5` is a condition on a column; `count by x` an aggregate. Parse the call,
        // then decide by what follows it.
        const saved = this.mark();
        const call = this.aggregateCall(AGGREGATE_LIST);
        if (!this.operatorAt(0)) return this.aggregateStage(call);
        this.reset(saved);
      } else {
        this.typoInStageWord(t);
      }
    }
    const expr = this.expr(STAGE_LIST);
    this.endOfStage(`'and', 'or', ${END}`);
    return { kind: 'where', expr, implicit: true, start: expr.start, end: expr.end };
  }

  /**
   * A word that starts a stage, is followed by what no condition has (`cuont by status`,
   * `hed 5`), and is close to a stage's name: say which one was meant.
   */
  private typoInStageWord(t: Token): void {
    const after = this.peek(1);
    const looksLikeStage =
      after.kind === 'number' || (after.kind === 'ident' && Parser.word(after) !== null && !RESERVED.has(Parser.word(after)!)) || Parser.isOp(after, '(');
    if (!looksLikeStage || valueFunction(t.value) || Parser.word(t) === 'bin') return;
    const close = closestName(t.value, STAGE_WORDS);
    if (close !== undefined) throw new QueryError(`unknown stage '${t.text}' (did you mean '${close}'?)`, t.start);
  }

  private whereStage(): WhereStage {
    const kw = this.next();
    const expr = this.expr("a condition after 'where'");
    this.endOfStage(`'and', 'or', ${END}`);
    return { kind: 'where', expr, implicit: false, start: kw.start, end: expr.end };
  }

  private fieldsStage(): Stage {
    const kw = this.next();
    const fields = [this.fieldItem("a field name after 'fields'")];
    while (Parser.isOp(this.peek(), ',')) {
      this.next();
      fields.push(this.fieldItem("a field name after ','"));
    }
    this.endOfStage(`',', ${END}`);
    return { kind: 'fields', fields, start: kw.start, end: this.lastEnd };
  }

  /** `host`, `kb = bytes / 1024`, or a computed value named by its text (`lower(host)`). */
  private fieldItem(expected: string): FieldItem {
    const t = this.peek();
    if (t.kind === 'ident' && Parser.isOp(this.peek(1), '=')) {
      this.next();
      this.next();
      const value = this.value(`a value after '${Parser.fieldName(t)} ='`);
      return { name: Parser.fieldName(t), value, start: t.start, end: value.end };
    }
    const value = this.value(expected);
    const name = value.kind === 'field' ? value.name : renderOperand(value);
    return { name, value, start: value.start, end: value.end };
  }

  /** `let name = value`. */
  private letStage(): Stage {
    const kw = this.next();
    const t = this.peek();
    if (t.kind !== 'ident' || RESERVED.has(Parser.word(t) ?? '')) throw this.expected("a name after 'let' (let kb = bytes / 1024)", t);
    this.next();
    if (!Parser.isOp(this.peek(), '=')) throw this.expected(`'=' after 'let ${t.text}'`);
    this.next();
    const value = this.value(`a value after 'let ${t.text} ='`);
    this.endOfStage(END);
    return { kind: 'let', name: Parser.fieldName(t), value, start: kw.start, end: this.lastEnd };
  }

  /**
   * `parse /(?<a>...)(?<b>...)/ [from value] [nodrop]` or `parse "a=* b=*" [from value] as a, b
   * [nodrop]`: the value defaults to the whole line.
   */
  private parseStage(): Stage {
    const kw = this.next();
    const t = this.peek();
    let pattern: ExtractPattern;
    let names: string[] = [];
    if (t.kind === 'regex') {
      try {
        const matcher = compileExtractor(t.value, t.flags);
        pattern = { kind: 'regex', matcher };
        names = [...matcher.names];
      } catch (e) {
        if (e instanceof RegexError) throw new QueryError(e.message, t.start);
        throw e;
      }
      this.next();
    } else if (t.kind === 'string') {
      pattern = { kind: 'glob', parts: t.value.split('*') };
      this.next();
    } else {
      throw this.expected('/regex/ with named groups or a "pattern with *" after \'parse\'', t);
    }
    let from: Operand = { kind: 'field', name: 'line', computed: false, start: kw.start, end: kw.end };
    if (Parser.word(this.peek()) === 'from') {
      this.next();
      from = this.value("a value after 'from'");
    }
    if (Parser.word(this.peek()) === 'as') {
      const as = this.next();
      if (pattern.kind === 'regex') throw new QueryError('a regex names its captures itself ((?<name>...)): drop the as', as.start);
      names = [this.column("a name after 'as'").name];
      while (Parser.isOp(this.peek(), ',')) {
        this.next();
        names.push(this.column("a name after ','").name);
      }
    }
    if (pattern.kind === 'glob') {
      const stars = pattern.parts.length - 1;
      if (stars === 0) throw new QueryError('the pattern needs a * for each field it takes', t.start);
      if (names.length !== stars) {
        throw new QueryError(`the pattern has ${stars} * but ${names.length} name${names.length === 1 ? '' : 's'} after 'as'`, t.start);
      }
    }
    let nodrop = false;
    if (Parser.word(this.peek()) === 'nodrop') {
      this.next();
      nodrop = true;
    }
    this.endOfStage(END);
    return { kind: 'parse', from, pattern, names, nodrop, start: kw.start, end: this.lastEnd };
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
    // A calculation names the column it made (`count by status / 100 | sort status / 100`).
    const value = this.value(expected);
    const column: FieldRef =
      value.kind === 'field' ? value : { kind: 'field', name: renderOperand(value), computed: true, start: value.start, end: value.end };
    const w = Parser.word(this.peek());
    if (w === 'asc' || w === 'desc') this.next();
    else if (this.peek().kind !== 'eof' && !Parser.isOp(this.peek(), '|') && !Parser.isOp(this.peek(), ',')) {
      throw this.unexpected(`'asc', 'desc', ',', ${END}`);
    }
    return { column, descending: w === 'desc', ...(value.kind === 'field' ? {} : { value }), start: column.start, end: this.lastEnd };
  }

  private headStage(): Stage {
    const kw = this.next();
    const n = this.rowCount('head', "a number after 'head'");
    this.endOfStage(END);
    return { kind: 'head', n, start: kw.start, end: this.lastEnd };
  }

  /** `top N f [by g, ...]`; N defaults to 10 when left out (`top path`). */
  private topStage(): Stage {
    const kw = this.next();
    const t = this.peek();
    const n = t.kind === 'ident' ? 10 : this.rowCount('top', "a number after 'top' (top 10 path)");
    const field = this.column(`a field name after 'top ${n}'`);
    const by: FieldRef[] = [];
    if (Parser.word(this.peek()) === 'by') {
      this.next();
      by.push(this.column("a field name after 'by'"));
      while (Parser.isOp(this.peek(), ',')) {
        this.next();
        by.push(this.column("a field name after ','"));
      }
    }
    this.endOfStage(by.length > 0 ? `',', ${END}` : `'by', ${END}`);
    return { kind: 'top', n, field, by, start: kw.start, end: this.lastEnd };
  }

  /** A row count for head/top: a whole number >= 0. */
  private rowCount(stage: string, expected: string): number {
    const t = this.peek();
    if (t.kind === 'eof' || Parser.isOp(t, '|')) throw this.expected(expected, t);
    if (Parser.isOp(t, '-') && this.peek(1).kind === 'number') {
      throw new QueryError(`${stage} needs a whole number of rows (e.g. ${stage} 10), found '-${this.peek(1).text}'`, t.start);
    }
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
      return { kind: 'aggregate', fn: named.kind.name, field: null, more: [], percentile: null, start: t.start, end: this.lastEnd };
    }
    const percentile = named.percentile;
    if (percentile !== null && !(percentile > 0 && percentile < 100)) {
      throw new QueryError(`percentile must be between 0 and 100 (e.g. p99 or p99.9), found '${t.text}'`, t.start);
    }
    const open = this.peek();
    if (!Parser.isOp(open, '(')) throw this.expected(`'(' after '${w}' (e.g. ${w}(bytes))`, open);
    this.next();
    const field = this.value(`a field name in ${w}(...)`);
    const more: Operand[] = [];
    while (named.kind.takes === 'fields' && Parser.isOp(this.peek(), ',')) {
      this.next();
      more.push(this.value(`a field name after ',' in ${w}(...)`));
    }
    this.close(open, named.kind.takes === 'fields' ? "',' or ')' after the field" : "')' after the field name");
    return { kind: 'aggregate', fn: named.kind.name, field, more, percentile, start: t.start, end: this.lastEnd };
  }

  private groupKey(expected: string): GroupKey {
    const t = this.peek();
    const w = Parser.word(t);
    if (w !== null && Parser.isOp(this.peek(1), '(')) {
      if (w === 'bin') return this.binKey();
      if (isAggregateName(w)) throw new QueryError(`cannot group by an aggregate: put '${w}(...)' before 'by'`, t.start);
    }
    return this.value(expected);
  }

  /** `bin(time, 5m)` (units s, m, h, d) or `bin(bytes, 100)` (a number width). */
  private binKey(): BinKey {
    const kw = this.next();
    const open = this.next(); // '(' checked by the caller
    const field = this.value('a time or number in bin(...)');
    const comma = this.peek();
    if (!Parser.isOp(comma, ',')) throw this.expected("',' and a bucket width in bin(time, 5m) or bin(bytes, 100)", comma);
    this.next();
    const d = this.peek();
    if (d.kind === 'number') {
      const width = Number(d.text);
      if (!(width > 0) || !Number.isFinite(width)) throw new QueryError(`bucket width must be more than zero, found '${d.text}'`, d.start);
      this.next();
      this.close(open, "')' after the bucket width");
      return { kind: 'bin', field, ms: width, width: String(width), numeric: true, start: kw.start, end: this.lastEnd };
    }
    const m = d.kind === 'duration' ? DURATION.exec(d.text) : null;
    if (!m) throw this.expected('a bucket width like 5m (units s, m, h, d) or a number', d);
    const unit = m[2]!.toLowerCase();
    const unitMs = UNIT_MS[unit];
    if (unitMs === undefined) throw new QueryError(`unknown time unit '${m[2]}' in '${d.text}' (use s, m, h or d)`, d.start);
    const amount = Number(m[1]);
    const ms = Math.round(amount * unitMs);
    if (ms < 1) throw new QueryError(`bucket width must be more than zero, found '${d.text}'`, d.start);
    this.next();
    this.close(open, "')' after the bucket width");
    return { kind: 'bin', field, ms, width: `${String(amount)}${unit}`, numeric: false, start: kw.start, end: this.lastEnd };
  }

  /** A field, or a computed column (`sum(bytes)`, `count()`, `bin(time, 5m)`). */
  private column(expected: string): FieldRef {
    const t = this.peek();
    if (t.kind !== 'ident') throw this.expected(expected, t);
    const w = Parser.word(t);
    if (w !== null && RESERVED.has(w)) throw this.expected(expected, t);
    if (w !== null && Parser.isOp(this.peek(1), '(')) return this.computedColumn();
    this.next();
    return { kind: 'field', name: Parser.fieldName(t), computed: false, start: t.start, end: t.end };
  }

  private computedColumn(): FieldRef {
    const t = this.peek();
    const w = Parser.word(t)!;
    let node: AggregateCall | BinKey;
    if (w === 'bin') node = this.binKey();
    else if (isAggregateName(w)) node = this.aggregateCall(AGGREGATE_LIST);
    else {
      throw new QueryError(`unknown function '${t.text}' (functions: ${functionNames()}, bin; aggregates: ${aggregateNames()})`, t.start);
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
      // `(bytes + 1) > 5` opens a value, `(a or b)` a condition: try the value first.
      const saved = this.mark();
      try {
        const value = this.value(expected);
        if (this.comparisonAt()) return this.comparison(value);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
      }
      this.reset(saved);
      this.next();
      this.enter(t);
      const inner = this.expr("a condition after '('");
      this.close(t, "'and', 'or' or ')'");
      this.depth--;
      // The node's span includes its parentheses, so enclosing nodes cover them too.
      return { ...inner, start: t.start, end: this.lastEnd };
    }
    return this.comparison(this.value(expected));
  }

  /** Whether what comes next makes the value before it one side of a comparison. */
  private comparisonAt(): boolean {
    const op = this.peek();
    const w = Parser.word(op);
    return (op.kind === 'op' && COMPARE_OPS.has(op.text)) || (w !== null && (TEXT_OPS.has(w) || w === 'matches' || w === 'in' || (w === 'not' && Parser.word(this.peek(1)) === 'in')));
  }

  private comparison(left: Operand): Expr {
    const op = this.peek();
    const w = Parser.word(op);
    if (op.kind === 'op' && COMPARE_OPS.has(op.text)) {
      this.next();
      const right = this.value(`a value after '${op.text}'`);
      return { kind: 'compare', op: op.text as CompareOp, left, right, start: left.start, end: right.end };
    }
    if (w !== null && TEXT_OPS.has(w)) {
      this.next();
      const right = this.value(`a string after '${w}'`);
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
    if (Parser.isOp(op, '=')) throw new QueryError("unknown operator '=' (did you mean '=='?)", op.start);
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
      case 'call':
      case 'index':
        return { kind: 'truthy', field: left, start: left.start, end: left.end };
      case 'cond':
        return left.expr;
      case 'bool':
        return left;
      default:
        throw new QueryError(
          `a ${left.kind === 'arith' ? 'calculation' : left.kind} by itself is not a condition: compare it with a value (e.g. message contains "timeout")`,
          left.start,
        );
    }
  }

  // --- values --------------------------------------------------------------------------------

  /** A value: arithmetic over terms (`+` and `-` bind looser than `*`, `/`, `%`). */
  private value(expected: string): Operand {
    let left = this.term(expected);
    for (let op = this.peek(); op.kind === 'op' && (op.text === '+' || op.text === '-'); op = this.peek()) {
      this.next();
      const right = this.term(`a value after '${op.text}'`);
      left = { kind: 'arith', op: op.text as ArithOp, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private term(expected: string): Operand {
    let left = this.unary(expected);
    for (let op = this.peek(); op.kind === 'op' && (op.text === '*' || op.text === '/' || op.text === '%'); op = this.peek()) {
      this.next();
      const right = this.unary(`a value after '${op.text}'`);
      left = { kind: 'arith', op: op.text as ArithOp, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(expected: string): Operand {
    const t = this.peek();
    if (Parser.isOp(t, '-')) {
      this.next();
      this.enter(t);
      const operand = this.unary(`a value after '-'`);
      this.depth--;
      const zero = { kind: 'number', value: 0, text: '0', start: t.start, end: t.start } as const;
      return { kind: 'arith', op: '-', left: zero, right: operand, start: t.start, end: operand.end };
    }
    let value = this.primary(expected);
    while (Parser.isOp(this.peek(), '[')) {
      const open = this.next();
      const index = this.value("an index in [...]");
      if (!Parser.isOp(this.peek(), ']')) throw this.peek().kind === 'eof' ? new QueryError("unclosed '[': expected ']'", open.start) : this.unexpected("']'");
      this.next();
      value = { kind: 'index', target: value, index, start: value.start, end: this.lastEnd };
    }
    return value;
  }

  private primary(expected: string): Operand {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), text: t.text, start: t.start, end: t.end };
      case 'ident': {
        const w = Parser.word(t);
        if (w === 'true' || w === 'false') {
          this.next();
          return { kind: 'bool', value: w === 'true', start: t.start, end: t.end };
        }
        if (w !== null && Parser.isOp(this.peek(1), '(') && valueFunction(w)) return this.call();
        return this.column(expected);
      }
      case 'op':
        if (t.text === '(') {
          this.next();
          this.enter(t);
          const inner = this.value("a value after '('");
          this.close(t, "an operator or ')'");
          this.depth--;
          return { ...inner, start: t.start, end: this.lastEnd } as Operand;
        }
        throw this.expected(expected, t);
      default:
        throw this.expected(expected, t);
    }
  }

  /** `name(arg, ...)` of a value function; arguments may be conditions (`if(status >= 500, ...)`). */
  private call(): Operand {
    const t = this.next();
    const fn = valueFunction(t.value)!;
    const open = this.next();
    this.enter(open);
    const args: Operand[] = [];
    if (!Parser.isOp(this.peek(), ')')) {
      for (;;) {
        args.push(this.argument(`an argument of ${fn.name}(...)`));
        if (!Parser.isOp(this.peek(), ',')) break;
        this.next();
      }
    }
    this.close(open, `',' or ')' in ${fn.name}(...)`);
    this.depth--;
    const [min, max] = fn.arity;
    if (args.length < min || args.length > max) {
      const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      throw new QueryError(`${fn.name} takes ${want} argument${min === 1 && max === 1 ? '' : 's'}, found ${args.length}`, t.start);
    }
    return { kind: 'call', fn: fn.name, args, start: t.start, end: this.lastEnd };
  }

  /** A function's argument: a value, or a condition (which becomes a true/false value). */
  private argument(expected: string): Operand {
    // A plain value (`1`, `bytes / 2`, `"x"`) ends at ',' or ')'; anything else is a condition.
    const saved = this.mark();
    try {
      const value = this.value(expected);
      if (Parser.isOp(this.peek(), ',') || Parser.isOp(this.peek(), ')')) return value;
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
    }
    this.reset(saved);
    const expr = this.expr(expected);
    if (expr.kind === 'truthy') return expr.field;
    if (expr.kind === 'bool') return expr;
    return { kind: 'cond', expr, start: expr.start, end: expr.end };
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
      const value = this.primary('a string, number, true or false in the list');
      if (value.kind === 'field') {
        throw new QueryError(`the list after '${after}' holds values, not fields: quote '${value.name}' to use it as text`, value.start);
      }
      if (value.kind === 'arith' || value.kind === 'call' || value.kind === 'index' || value.kind === 'cond') {
        throw new QueryError(`the list after '${after}' holds plain values`, value.start);
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
