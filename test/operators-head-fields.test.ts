import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row } from '../src/core/row.js';
import { headRows } from '../src/operators/head.js';
import { projectFields, projectSchema } from '../src/operators/fields.js';
import { sortRows } from '../src/operators/sort.js';
import { collector } from './support/row-collector.js';


test('head passes n rows, then asks for no more', () => {
  const out = collector();
  const head = headRows(2, out);
  assert.equal(head.row([1]), true);
  assert.equal(head.row([2]), false, 'the second row is the last one wanted');
  assert.equal(head.row([3]), false);
  head.end();
  assert.deepEqual(out.rows, [[1], [2]]);
  assert.equal(out.ended, 1);

  const none = collector();
  const head0 = headRows(0, none);
  assert.equal(head0.row([1]), false);
  head0.end();
  assert.deepEqual(none.rows, []);
});

test('fields keeps the chosen columns in the given order', () => {
  const out = collector();
  const fields = projectFields([2, 0], out);
  fields.row(['GET', 200, '/a', 512]);
  fields.row(['POST']);
  fields.end();
  assert.deepEqual(out.rows, [
    ['/a', 'GET'],
    [null, 'POST'],
  ]);
  assert.equal(out.ended, 1);
  assert.deepEqual(
    projectSchema({ columns: ['method', 'status', 'p99(bytes)'], estimates: { 'p99(bytes)': '±1%' } }, [2, 0]),
    { columns: ['p99(bytes)', 'method'], estimates: { 'p99(bytes)': '±1%' } },
  );
  assert.throws(() => projectSchema({ columns: ['a'] }, [3]), /no column 3/);
});

test('sort bytes desc | head 1 | fields bytes, url', () => {
  const out = collector();
  const chain = sortRows([{ index: 1, desc: true }], headRows(1, projectFields([1, 0], out)), { limit: 1 });
  const rows: Row[] = [
    ['/a', 10],
    ['/b', 5000],
    ['/c', null],
    ['/d', 300],
  ];
  for (const r of rows) chain.row(r);
  chain.end();
  assert.deepEqual(out.rows, [[5000, '/b']]);
  assert.equal(out.ended, 1);
});
