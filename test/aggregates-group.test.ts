import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant, type Value } from '../src/core/value.js';
import type { Aggregate } from '../src/aggregates/aggregate.js';
import { createAggregate } from '../src/aggregates/create.js';
import { encodeKey, GroupTable } from '../src/aggregates/group.js';

interface Rec {
  status: number;
  method: string;
  bytes: number;
}

const records: Rec[] = [
  { status: 200, method: 'GET', bytes: 100 },
  { status: 404, method: 'GET', bytes: 10 },
  { status: 200, method: 'POST', bytes: 300 },
  { status: 200, method: 'GET', bytes: 50 },
  { status: 500, method: 'POST', bytes: 0 },
  { status: 404, method: 'GET', bytes: 20 },
];

function aggregates(): Aggregate<unknown>[] {
  return [createAggregate('count', { name: 'count' }), createAggregate('sum', { name: 'sum(bytes)' })];
}

function feed(table: GroupTable, recs: readonly Rec[], keysOf: (r: Rec) => Value[]): void {
  const aggs = table.aggregates;
  for (const r of recs) {
    const keys = keysOf(r);
    const states = keys.length === 1 ? table.entry1(keys[0]) : table.entry(keys);
    states[0] = aggs[0].add(states[0], null);
    states[1] = aggs[1].addNumber!(states[1], r.bytes);
  }
}

test('no key: one row, even without input', () => {
  const empty = new GroupTable(aggregates(), 0);
  assert.deepEqual(empty.rows(), [[0, 0]]);
  const table = new GroupTable(aggregates(), 0);
  feed(table, records, () => []);
  assert.deepEqual(table.rows(), [[6, 480]]);
  assert.deepEqual(table.schema(), { columns: ['count', 'sum(bytes)'], estimates: {} });
});

test('one key: groups in first-seen order, keys first', () => {
  const table = new GroupTable(aggregates(), 1, ['status']);
  feed(table, records, (r) => [r.status]);
  assert.equal(table.size, 3);
  assert.deepEqual(table.rows(), [
    [200, 3, 450],
    [404, 2, 30],
    [500, 1, 0],
  ]);
  assert.deepEqual(table.schema().columns, ['status', 'count', 'sum(bytes)']);
});

test('one key keeps different kinds apart: 1, "1", null and true', () => {
  const table = new GroupTable([createAggregate('count', { name: 'count' })], 1);
  for (const k of [1, '1', null, true, 1, null, 1n] as Value[]) {
    const s = table.entry1(k);
    s[0] = table.aggregates[0].add(s[0], k);
  }
  assert.deepEqual(table.rows(), [
    [1, 2],
    ['1', 1],
    [null, 2],
    [true, 1],
    [1n, 1],
  ]);
  assert.deepEqual(table.schema().columns, ['key1', 'count']);
});

test('Instant keys group by their ms, whatever the offset, and apart from numbers', () => {
  const table = new GroupTable([createAggregate('count', { name: 'count' })], 1, ['bin(time, 1h)']);
  const hour = Date.UTC(1995, 6, 1, 4);
  const first = new Instant(hour, -240);
  for (const k of [first, new Instant(hour, 0), new Instant(hour + 3_600_000, -240), hour] as Value[]) {
    const s = table.entry1(k);
    s[0] = table.aggregates[0].add(s[0], null);
  }
  const rows = table.rows();
  assert.equal(rows.length, 3);
  assert.equal(rows[0][0], first, 'the first-seen Instant is kept, with its offset');
  assert.equal(rows[0][1], 2);
  assert.equal(rows[2][0], hour);
  // The same through the composite path.
  const composite = new GroupTable([createAggregate('count', { name: 'count' })], 2);
  for (const k of [first, new Instant(hour, 120)]) {
    const s = composite.entry([k, 'GET']);
    s[0] = composite.aggregates[0].add(s[0], null);
  }
  assert.deepEqual(composite.rows(), [[first, 'GET', 2]]);
});

test('several keys: composite keys group correctly and in first-seen order', () => {
  const table = new GroupTable(aggregates(), 2, ['method', 'status']);
  feed(table, records, (r) => [r.method, r.status]);
  assert.deepEqual(table.rows(), [
    ['GET', 200, 2, 150],
    ['GET', 404, 2, 30],
    ['POST', 200, 1, 300],
    ['POST', 500, 1, 0],
  ]);
});

test('the composite encoding has no collisions on separator-like content', () => {
  const tuples: Value[][] = [
    ['a;', 'b'],
    ['a', ';b'],
    ['s1:a', ''],
    ['', 's1:a'],
    [1, '1'],
    ['1', 1],
    [null, 'z'],
    ['z', null],
    [1n, 1],
    [true, 'T'],
    [new Instant(5, 0), 5],
    [5, new Instant(5, 0)],
    ['n1;', 'n2;'],
    ['n1;n2;', ''],
  ];
  const encodings = new Set(tuples.map((t) => encodeKey(t)));
  assert.equal(encodings.size, tuples.length);
});

test('merging tables built on split input equals the unsplit table', () => {
  const whole = new GroupTable(aggregates(), 2, ['method', 'status']);
  feed(whole, records, (r) => [r.method, r.status]);
  for (let at = 0; at <= records.length; at++) {
    const a = new GroupTable(aggregates(), 2, ['method', 'status']);
    const b = new GroupTable(aggregates(), 2, ['method', 'status']);
    feed(a, records.slice(0, at), (r) => [r.method, r.status]);
    feed(b, records.slice(at), (r) => [r.method, r.status]);
    a.merge(b);
    const sorted = (rows: Value[][]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sorted(a.rows()), sorted(whole.rows()), `split at ${at}`);
  }
});

test('schema names the columns whose figures became estimates', () => {
  const aggs = [
    createAggregate('count', { name: 'count' }),
    createAggregate('count_distinct', { name: 'count_distinct(host)', exactLimit: 3 }),
    createAggregate('percentile', { name: 'p50(bytes)', quantile: 0.5, exactLimit: 3 }),
  ];
  const table = new GroupTable(aggs, 1, ['method']);
  const add = (method: string, host: string, bytes: number) => {
    const s = table.entry1(method);
    s[0] = aggs[0].add(s[0], null);
    s[1] = aggs[1].add(s[1], host);
    s[2] = aggs[2].addNumber!(s[2], bytes);
  };
  add('GET', 'a', 1);
  add('GET', 'b', 2);
  add('POST', 'a', 3);
  assert.deepEqual(table.schema().estimates, {});
  add('GET', 'c', 3);
  add('GET', 'd', 4); // GET now has 4 distinct hosts and 4 sizes: both past the limit of 3
  const schema = table.schema();
  assert.deepEqual(Object.keys(schema.estimates!), ['count_distinct(host)', 'p50(bytes)']);
  assert.equal(schema.estimates!['p50(bytes)'], '±1%');
  assert.equal(schema.estimates!['count_distinct(host)'], '±0.81%');
});
