/**
 * Property test of the expression language: for random expressions over random records, the
 * compiled predicate (over parsed JSON batches, and over rows as after an aggregate) gives the
 * same answer as a small interpreter written from the documented semantics. The expression is
 * generated as a tree, printed with only the parentheses precedence needs, and parsed back, so a
 * precedence mistake in the parser shows as a disagreement too.
 *
 * Semantics the interpreter encodes (README, "The query language"):
 * - a missing value makes every comparison false except `!=`, which is true;
 * - arithmetic of a missing value is missing; `/` and `%` by zero are missing; `/` of two whole
 *   numbers truncates, unless a literal is written with a point;
 * - strings compare by UTF-16 code units; functions of a missing value are missing, except
 *   `coalesce` (the first present) and `if` (a missing condition is false).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../src/core/row.js';
import { jsonFormat } from '../src/formats/json.js';
import { compilePredicate, compileRowPredicate } from '../src/query/compile.js';
import { parseQuery } from '../src/query/parser.js';
import { typecheck } from '../src/query/typecheck.js';
import { batchOf } from './formats-helpers.js';
import { Rng } from './fuzz/prng.js';

type Rec = { a?: number; b?: number; s?: string };
type Num = { k: 'field'; name: 'a' | 'b' } | { k: 'lit'; value: number; text: string } | { k: 'arith'; op: string; l: Num; r: Num } | { k: 'len' } | { k: 'coalesce' } | { k: 'if'; c: Bool; x: Num; y: Num };
type Str = { k: 's' } | { k: 'lower' } | { k: 'lit'; value: string };
type Bool =
  | { k: 'cmp'; op: string; l: Num; r: Num }
  | { k: 'scmp'; op: string; l: Str; r: string }
  | { k: 'text'; op: 'contains' | 'startswith' | 'endswith'; value: string }
  | { k: 'and' | 'or'; l: Bool; r: Bool }
  | { k: 'not'; e: Bool };

const NUM_LITS: readonly (readonly [number, string])[] = [[0, '0'], [1, '1'], [2, '2'], [3, '3'], [-1, '-1'], [2.5, '2.5'], [10, '10'], [4, '4.0']];
const STRINGS = ['', 'a', 'ab', 'B', 'abc', 'b'];
const COMPARE = ['==', '!=', '<', '<=', '>', '>='];

function genNum(rng: Rng, depth: number): Num {
  const pick = rng.weighted<number>([[4, 0], [2, 1], [depth > 0 ? 4 : 0, 2], [1, 3], [1, 4], [depth > 0 ? 1 : 0, 5]]);
  switch (pick) {
    case 0:
      return { k: 'field', name: rng.chance(0.5) ? 'a' : 'b' };
    case 1: {
      const [value, text] = rng.pick(NUM_LITS);
      return { k: 'lit', value, text };
    }
    case 2:
      return { k: 'arith', op: rng.pick(['+', '-', '*', '/', '%']), l: genNum(rng, depth - 1), r: genNum(rng, depth - 1) };
    case 3:
      return { k: 'len' };
    case 4:
      return { k: 'coalesce' };
    default:
      return { k: 'if', c: genBool(rng, 0), x: genNum(rng, depth - 1), y: genNum(rng, depth - 1) };
  }
}

function genBool(rng: Rng, depth: number): Bool {
  const pick = rng.weighted<number>([[5, 0], [2, 1], [2, 2], [depth > 0 ? 3 : 0, 3], [depth > 0 ? 1 : 0, 4]]);
  switch (pick) {
    case 0:
      return { k: 'cmp', op: rng.pick(COMPARE), l: genNum(rng, 2), r: genNum(rng, 1) };
    case 1: {
      const l: Str = rng.chance(0.6) ? { k: 's' } : { k: 'lower' };
      return { k: 'scmp', op: rng.pick(COMPARE), l, r: rng.pick(STRINGS) };
    }
    case 2:
      return { k: 'text', op: rng.pick(['contains', 'startswith', 'endswith'] as const), value: rng.pick(STRINGS) };
    case 3:
      return { k: rng.chance(0.5) ? 'and' : 'or', l: genBool(rng, depth - 1), r: genBool(rng, depth - 1) };
    default:
      return { k: 'not', e: genBool(rng, depth - 1) };
  }
}

// --- printing with minimal parentheses ----------------------------------------------------------

const ARITH_PREC: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2, '%': 2 };

function numPrec(n: Num): number {
  return n.k === 'arith' ? ARITH_PREC[n.op]! : 3;
}

function printNum(n: Num): string {
  switch (n.k) {
    case 'field':
      return n.name;
    case 'lit':
      return n.text;
    case 'len':
      return 'len(s)';
    case 'coalesce':
      return 'coalesce(a, b)';
    case 'if':
      return `if(${printBool(n.c)}, ${printNum(n.x)}, ${printNum(n.y)})`;
    case 'arith': {
      const p = ARITH_PREC[n.op]!;
      const l = numPrec(n.l) < p ? `(${printNum(n.l)})` : printNum(n.l);
      const r = numPrec(n.r) <= p ? `(${printNum(n.r)})` : printNum(n.r);
      return `${l} ${n.op} ${r}`;
    }
  }
}

/** or 1, and 2, not 3, comparisons 4. */
function boolPrec(b: Bool): number {
  return b.k === 'or' ? 1 : b.k === 'and' ? 2 : b.k === 'not' ? 3 : 4;
}

function printBool(b: Bool): string {
  switch (b.k) {
    case 'cmp':
      return `${printNum(b.l)} ${b.op} ${printNum(b.r)}`;
    case 'scmp':
      return `${b.l.k === 's' ? 's' : 'lower(s)'} ${b.op} ${JSON.stringify(b.r)}`;
    case 'text':
      return `s ${b.op} ${JSON.stringify(b.value)}`;
    case 'not':
      return `not ${boolPrec(b.e) < 3 ? `(${printBool(b.e)})` : printBool(b.e)}`;
    case 'and':
    case 'or': {
      const p = boolPrec(b);
      const l = boolPrec(b.l) < p ? `(${printBool(b.l)})` : printBool(b.l);
      const r = boolPrec(b.r) <= p ? `(${printBool(b.r)})` : printBool(b.r);
      return `${l} ${b.k} ${r}`;
    }
  }
}

// --- the interpreter ----------------------------------------------------------------------------

function fraction(n: Num): boolean {
  return n.k === 'lit' && n.text.includes('.');
}

function evalNum(n: Num, r: Rec): number | null {
  switch (n.k) {
    case 'field':
      return r[n.name] ?? null;
    case 'lit':
      return n.value;
    case 'len':
      return r.s === undefined ? null : r.s.length;
    case 'coalesce':
      return r.a ?? r.b ?? null;
    case 'if':
      return evalBool(n.c, r) ? evalNum(n.x, r) : evalNum(n.y, r);
    case 'arith': {
      const x = evalNum(n.l, r);
      const y = evalNum(n.r, r);
      if (x === null || y === null) return null;
      let v: number;
      switch (n.op) {
        case '+':
          v = x + y;
          break;
        case '-':
          v = x - y;
          break;
        case '*':
          v = x * y;
          break;
        case '/':
          if (y === 0) return null;
          v = Number.isInteger(x) && Number.isInteger(y) && !fraction(n.l) && !fraction(n.r) ? Math.trunc(x / y) : x / y;
          break;
        default:
          if (y === 0) return null;
          v = x % y;
      }
      return Number.isNaN(v) ? null : v;
    }
  }
}

function compare<T extends number | string>(op: string, x: T | null, y: T | null): boolean {
  if (x === null || y === null) return op === '!=';
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function evalBool(b: Bool, r: Rec): boolean {
  switch (b.k) {
    case 'cmp':
      return compare(b.op, evalNum(b.l, r), evalNum(b.r, r));
    case 'scmp': {
      const s = r.s === undefined ? null : b.l.k === 'lower' ? r.s.toLowerCase() : r.s;
      return compare(b.op, s, b.r);
    }
    case 'text':
      if (r.s === undefined) return false;
      return b.op === 'contains' ? r.s.includes(b.value) : b.op === 'startswith' ? r.s.startsWith(b.value) : r.s.endsWith(b.value);
    case 'and':
      return evalBool(b.l, r) && evalBool(b.r, r);
    case 'or':
      return evalBool(b.l, r) || evalBool(b.r, r);
    case 'not':
      return !evalBool(b.e, r);
  }
}

// --- the property --------------------------------------------------------------------------------

function genRecord(rng: Rng): Rec {
  const r: Rec = {};
  const num = (): number => (rng.chance(0.15) ? rng.pick([2.5, -0.5, 7.25]) : rng.int(-4, 12));
  if (rng.chance(0.85)) r.a = num();
  if (rng.chance(0.85)) r.b = num();
  if (rng.chance(0.8)) r.s = rng.pick(STRINGS);
  return r;
}

test('property: compiled predicates agree with the interpreter (records and rows)', () => {
  const rng = new Rng(20261201);
  const records = Array.from({ length: 40 }, () => genRecord(rng));
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const batch = batchOf(text);
  const parser = jsonFormat.parser(null);
  parser.parse(batch, () => assert.fail('every line is JSON'));
  const rows: Row[] = records.map((r) => [r.a ?? null, r.b ?? null, r.s ?? null]);

  const CASES = 3000;
  for (let i = 0; i < CASES; i++) {
    const expr = genBool(rng, 3);
    const query = printBool(expr);
    const parsed = parseQuery(query);
    const typed = typecheck(parsed, null).stages[0]!.stage;
    assert.equal(typed.kind, 'where', query);
    if (typed.kind !== 'where') continue;
    const onRecords = compilePredicate(typed.expr, parser);
    const onRows = compileRowPredicate(typed.expr, ['a', 'b', 's']);
    records.forEach((r, row) => {
      const want = evalBool(expr, r);
      assert.equal(onRecords(batch, row), want, `records: ${query} on ${JSON.stringify(r)}`);
      assert.equal(onRows(rows[row]!), want, `rows: ${query} on ${JSON.stringify(r)}`);
    });
  }
});
