import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../src/core/row.js';
import { Instant, type Value } from '../src/core/value.js';
import { compareValues, makeRowComparator, type SortKey } from '../src/operators/compare.js';
import { SortLimitError, sortRows } from '../src/operators/sort.js';
import { TopN } from '../src/operators/top-n.js';
import { collector } from './support/row-collector.js';
import { seededRandom as random } from './support/random.js';


test('mixed kinds sort in one total order: null < booleans < numbers < Instants < strings', () => {
  const t1 = new Instant(1000, -240);
  const t2 = new Instant(2000, 0);
  const values: Value[] = ['b', 3n, t2, null, 2.5, 'a', true, -1, t1, false, 10, NaN, 2n ** 60n, ''];
  const sorted = [...values].sort(compareValues);
  assert.deepEqual(sorted, [null, false, true, NaN, -1, 2.5, 3n, 10, 2n ** 60n, t1, t2, '', 'a', 'b']);
  assert.deepEqual([...values].reverse().sort(compareValues), sorted, 'the input order does not matter');
  // The order is total: antisymmetric and consistent for every pair.
  for (const a of values) {
    for (const b of values) {
      const sum = Math.sign(compareValues(a, b)) + Math.sign(compareValues(b, a));
      assert.equal(sum, 0, `${String(a)} vs ${String(b)}`);
    }
  }
  assert.equal(compareValues(3n, 3), 0);
  assert.ok(compareValues(2n ** 53n + 1n, 2 ** 53) > 0, 'bigint vs number compares exactly');
  assert.equal(compareValues(new Instant(5, 0), new Instant(5, 60)), 0, 'Instants compare by ms');
});

test('sort by several keys, desc reversing nulls too, stable on ties', () => {
  const rows: Row[] = [
    ['GET', 200, 'a'],
    ['POST', null, 'b'],
    ['GET', 404, 'c'],
    ['GET', 200, 'd'],
    ['POST', 500, 'e'],
  ];
  const out = collector();
  const sort = sortRows([{ index: 0 }, { index: 1, desc: true }], out);
  for (const r of rows) assert.equal(sort.row(r), true);
  sort.end();
  assert.deepEqual(
    out.rows.map((r) => r[2]),
    ['c', 'a', 'd', 'e', 'b'],
  );
  assert.equal(out.ended, 1);
});

test('top-N heap equals the head of a full stable sort, ties included', () => {
  const next = random(42);
  const rows: Row[] = Array.from({ length: 5000 }, (_, i) => [
    Math.floor(next() * 50), // many ties
    next() < 0.1 ? null : `u${Math.floor(next() * 20)}`,
    i,
  ]);
  const keysets: SortKey[][] = [[{ index: 0, desc: true }], [{ index: 1 }, { index: 0 }], [{ index: 0 }]];
  for (const keys of keysets) {
    const full = [...rows].sort(makeRowComparator(keys));
    for (const n of [0, 1, 7, 100, 4999, 5000, 6000]) {
      const top = new TopN(n, makeRowComparator(keys));
      for (const r of rows) top.push(r);
      assert.deepEqual(top.drain(), full.slice(0, n), `keys ${JSON.stringify(keys)} n=${n}`);
      // The same through sortRows with a limit.
      const out = collector();
      const sort = sortRows(keys, out, { limit: n });
      for (const r of rows) sort.row(r);
      sort.end();
      assert.deepEqual(out.rows, full.slice(0, n));
    }
  }
});

test('top-N keeps only N rows', () => {
  const top = new TopN(3, makeRowComparator([{ index: 0 }]));
  for (let i = 1000; i > 0; i--) top.push([i]);
  assert.equal(top.size, 3);
  assert.deepEqual(top.drain(), [[1], [2], [3]]);
});

test('a sort past its row bound fails rather than sort the first rows it got', () => {
  const out = collector();
  const sort = sortRows([{ index: 0, desc: true }], out, { maxRows: 4 });
  for (const x of [3, 1, 4, 1]) sort.row([x]);
  assert.throws(() => sort.row([5]), (e: unknown) => e instanceof SortLimitError && /more than 4 rows to sort/.test(e.message));
  assert.deepEqual(out.rows, [], 'nothing was emitted');
});

test('sort stops emitting when the next sink wants no more rows', () => {
  let taken = 0;
  let ended = false;
  const sort = sortRows([{ index: 0 }], {
    row: () => ++taken < 2,
    end: () => {
      ended = true;
    },
  });
  for (const x of [5, 4, 3, 2, 1]) sort.row([x]);
  sort.end();
  assert.equal(taken, 2);
  assert.equal(ended, true);
});
