import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant, type Value } from '../src/core/value.js';
import type { Aggregate } from '../src/aggregates/aggregate.js';
import { createAggregate } from '../src/aggregates/create.js';

/** Feeds values through add() and returns the result. */
function run<S>(agg: Aggregate<S>, values: readonly Value[]): Value {
  let s = agg.init();
  for (const v of values) s = agg.add(s, v);
  return agg.result(s);
}

/** Builds states on two halves and merges them, as split input would. */
function runSplit<S>(agg: Aggregate<S>, values: readonly Value[], at: number): Value {
  let a = agg.init();
  let b = agg.init();
  values.forEach((v, i) => {
    if (i < at) a = agg.add(a, v);
    else b = agg.add(b, v);
  });
  return agg.result(agg.merge(a, b));
}

const mixed: Value[] = [3, 'x', null, 10, 7, 2.5, '12', true, new Instant(5, 0), -4];

test('count counts records whatever the value', () => {
  const count = createAggregate('count', { name: 'count' });
  assert.equal(count.name, 'count');
  assert.equal(run(count, mixed), 10);
  assert.equal(run(count, []), 0);
  assert.equal(runSplit(count, mixed, 4), 10);
  let s = count.init();
  s = count.addNumber!(s, NaN);
  s = count.addNumber!(s, 1);
  assert.equal(count.result(s), 2);
});

test('sum adds numbers and numeric strings, skips the rest, and is 0 when empty', () => {
  const sum = createAggregate('sum', { name: 'sum(bytes)' });
  // 3 + 10 + 7 + 2.5 + 12 - 4
  assert.equal(run(sum, mixed), 30.5);
  assert.equal(run(sum, []), 0);
  assert.equal(run(sum, [null, 'abc', '', ' ']), 0);
  assert.equal(run(sum, [1, 2, 3]), 6);
});

test('sum stays exact past 2^53', () => {
  const sum = createAggregate('sum', { name: 'sum(bytes)' });
  assert.equal(run(sum, [2 ** 53, 1, 1]), 2n ** 53n + 2n);
  assert.equal(run(sum, [1, 1, 2 ** 53]), 2n ** 53n + 2n);
  // Many values just under the safe limit, whose float sum would round.
  const big = Number.MAX_SAFE_INTEGER - 10;
  const values = Array.from({ length: 1001 }, (_, i) => big - i);
  const expected = values.reduce((acc: bigint, v) => acc + BigInt(v as number), 0n);
  assert.equal(run(sum, values), expected);
  assert.equal(runSplit(sum, values, 377), expected);
  // The addNumber fast path agrees.
  let s = sum.init();
  for (const v of values) s = sum.addNumber!(s, v as number);
  assert.equal(sum.result(s), expected);
  // bigint inputs, and totals that come back into the safe range become numbers again.
  assert.equal(run(sum, [2n ** 70n, 5, -(2n ** 70n)]), 5);
  assert.equal(run(sum, [-(2 ** 53), -(2 ** 53)]), -(2n ** 54n));
});

test('sum of floats is a float, and split halves merge to the same total', () => {
  const sum = createAggregate('sum', { name: 'sum(x)' });
  const values = Array.from({ length: 1000 }, (_, i) => i * 0.1);
  const total = run(sum, values) as number;
  assert.equal(typeof total, 'number');
  assert.ok(Math.abs(total - 49950) < 1e-9, `got ${total}`);
  for (const at of [0, 1, 500, 999, 1000]) assert.ok(Math.abs((runSplit(sum, values, at) as number) - total) < 1e-9);
  // Integers and floats together: a float result.
  assert.equal(run(sum, [1, 0.5, 2]), 3.5);
});

test('sum merges exactly across splits past 2^53', () => {
  const sum = createAggregate('sum', { name: 's' });
  const values = [2 ** 52, 2 ** 52, 2 ** 52, 3, 2 ** 52, 7];
  const expected = 4n * 2n ** 52n + 10n;
  for (let at = 0; at <= values.length; at++) assert.equal(runSplit(sum, values, at), expected, `split at ${at}`);
});

test('avg is the mean of numeric values, null when there are none', () => {
  const avg = createAggregate('avg', { name: 'avg(bytes)' });
  assert.equal(run(avg, [1, 2, 3, 4]), 2.5);
  assert.equal(run(avg, [null, 'x', 4]), 4);
  assert.equal(run(avg, []), null);
  assert.equal(runSplit(avg, [1, 2, 3, 4, 10], 2), 4);
  // Exact total before dividing: (2^53 + 1) + (2^53 + 3) over 2
  assert.equal(run(avg, [2 ** 53, 1, 2 ** 53, 3]), (2 ** 54 + 4) / 4);
});

test('min and max over numbers, with NaN and null skipped', () => {
  const min = createAggregate('min', { name: 'min(x)' });
  const max = createAggregate('max', { name: 'max(x)' });
  const values: Value[] = [5, null, NaN, -3, 12, 0];
  assert.equal(run(min, values), -3);
  assert.equal(run(max, values), 12);
  assert.equal(run(min, []), null);
  for (let at = 0; at <= values.length; at++) {
    assert.equal(runSplit(min, values, at), -3);
    assert.equal(runSplit(max, values, at), 12);
  }
  let s = min.init();
  for (const x of [4, NaN, 2, 9]) s = min.addNumber!(s, x);
  assert.equal(min.result(s), 2);
});

test('min and max over strings and Instants use their natural order', () => {
  const min = createAggregate('min', { name: 'min(host)' });
  const max = createAggregate('max', { name: 'max(host)' });
  assert.equal(run(min, ['pear', 'apple', 'zebra', 'Zulu']), 'Zulu'); // code-unit order: 'Z' < 'a'
  assert.equal(run(max, ['pear', 'apple', 'zebra', 'Zulu']), 'zebra');
  const early = new Instant(Date.UTC(1995, 6, 1, 4), -240);
  const late = new Instant(Date.UTC(1995, 6, 1, 5), 120);
  const times = [late, early, new Instant(Date.UTC(1995, 6, 1, 4, 30), 0)];
  assert.equal(run(min, times), early);
  assert.equal(run(max, times), late);
  assert.equal(runSplit(max, times, 1), late);
  // A column with numbers or times ignores text that is not a number (`-`, `n/a`).
  assert.equal(run(min, ['b', early, 7]), 7);
  assert.equal(run(max, ['b', early, 7]), early);
});

test('createAggregate rejects a percentile without a quantile', () => {
  assert.throws(() => createAggregate('percentile', { name: 'p' }), /quantile/);
  assert.throws(() => createAggregate('percentile', { name: 'p', quantile: 1.5 }), /\[0, 1\]/);
});
