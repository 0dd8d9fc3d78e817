import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../src/core/row.js';
import { Instant } from '../src/core/value.js';
import type { FieldSpec } from '../src/core/format.js';
import { compileRowPredicate } from '../src/query/compile.js';
import { QueryError } from '../src/query/errors.js';
import { parseQuery } from '../src/query/parser.js';
import { typecheck } from '../src/query/typecheck.js';

const FIELDS: readonly FieldSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'time', type: 'time' },
  { name: 'bytes', type: 'number' },
];

/** Output of `count, sum(bytes) by host, bin(time, 1h)` as rows. */
const COLUMNS = ['host', 'bin(time,1h)', 'count', 'sum(bytes)'];
const ROWS: Row[] = [
  ['a', new Instant(Date.UTC(2015, 4, 17, 10), 0), 12, 1000],
  ['b', new Instant(Date.UTC(2015, 4, 17, 8), 120), 3, 10n],
  [null, new Instant(Date.UTC(2015, 4, 17, 11), 0), 40, 2 ** 60],
  ['ab', null, 11, null],
];

/** Hosts (or '-' for null) of the rows kept by the last `where` of the query. */
function kept(query: string): string {
  const typed = typecheck(parseQuery(`count, sum(bytes) by host, bin(time, 1h) | ${query}`), FIELDS);
  const stage = typed.stages[1]!;
  assert.equal(stage.input, 'row');
  assert.ok(stage.stage.kind === 'where');
  assert.deepEqual(stage.inputScope!.map((c) => c.name), COLUMNS);
  const keep = compileRowPredicate(stage.stage.expr, COLUMNS);
  return ROWS.filter(keep).map((r) => (r[0] === null ? '-' : String(r[0]))).join(' ');
}

test('numeric comparisons on aggregate columns (numbers and bigints)', () => {
  assert.equal(kept('count > 10'), 'a - ab');
  assert.equal(kept('where count <= 11'), 'b ab');
  assert.equal(kept('sum(bytes) >= 1000'), 'a -');
  assert.equal(kept('sum(bytes) == 10'), 'b', 'a bigint equals its number');
  assert.equal(kept('count == 12 or count == 3'), 'a b');
});

test('missing values fail comparisons except != and not in', () => {
  assert.equal(kept('sum(bytes) != 10'), 'a - ab');
  assert.equal(kept('host != "a"'), 'b - ab');
  assert.equal(kept('host == "a"'), 'a');
  assert.equal(kept('host in ("a", "b")'), 'a b');
  assert.equal(kept('host not in ("a", "b")'), '- ab');
  assert.equal(kept('host contains "a"'), 'a ab');
  assert.equal(kept('not host contains "a"'), 'b -');
});

test('text operators and matches on row values', () => {
  assert.equal(kept('host startswith "a"'), 'a ab');
  assert.equal(kept('host endswith "b"'), 'b ab');
  assert.equal(kept('host matches /^a+b?$/'), 'a ab');
  assert.equal(kept('count matches /^1/'), 'a ab', 'numbers match as text');
});

test('time columns compare with time literals by instant', () => {
  assert.equal(kept('bin(time,1h) >= "2015-05-17T10:00:00Z"'), 'a -');
  assert.equal(kept('bin(time, 1h) == "2015-05-17T10:00:00+02:00"'), 'b', 'same instant, different offset');
  assert.equal(kept('bin(time,1h) < "17/May/2015:10:30:00 +0000"'), 'a b');
});

test('numbers against numbers in strings, and in-lists of numbers', () => {
  const keep = compileRowPredicate(
    (() => {
      const s = parseQuery('code in (200, 304) and code != "x"').stages[0]!;
      assert.ok(s.kind === 'where');
      return s.expr;
    })(),
    ['code'],
  );
  assert.deepEqual([['200'], [304], ['404'], [null]].map((r) => keep(r)), [true, true, false, false]);
});

test('an unknown column is a QueryError', () => {
  const s = parseQuery('where nope > 1').stages[0]!;
  assert.ok(s.kind === 'where');
  assert.throws(() => compileRowPredicate(s.expr, COLUMNS), (e: unknown) => e instanceof QueryError && e.column === 6);
});
