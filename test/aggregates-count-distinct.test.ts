import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant, type Value } from '../src/core/value.js';
import { createAggregate } from '../src/aggregates/create.js';
import { HyperLogLog } from '../src/aggregates/hyperloglog.js';

const ip = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function distinct(exactLimit?: number) {
  return createAggregate('count_distinct', { name: 'count_distinct(host)', exactLimit });
}

test('count_distinct is exact below the limit and ignores null and NaN', () => {
  const agg = distinct();
  let s = agg.init();
  for (const v of ['a', 'b', 'a', null, 1, '1', 1, -0, 0, NaN, true] as Value[]) s = agg.add(s, v);
  s = agg.addNumber!(s, NaN);
  s = agg.addNumber!(s, 2);
  // a, b, 1, "1", 0, true, 2
  assert.equal(agg.result(s), 7);
  assert.equal(agg.isEstimate!(s), false);
});

test('count_distinct counts Instants by their instant, whatever the offset', () => {
  const agg = distinct();
  let s = agg.init();
  s = agg.add(s, new Instant(1000, 0));
  s = agg.add(s, new Instant(1000, -240));
  s = agg.add(s, new Instant(2000, 60));
  assert.equal(agg.result(s), 2);
});

test('count_distinct switches to a sketch past its limit and says so', () => {
  const agg = distinct(10);
  let s = agg.init();
  for (let i = 0; i < 10; i++) s = agg.add(s, `h${i}`);
  s = agg.add(s, 'h0');
  assert.equal(agg.isEstimate!(s), false);
  assert.equal(agg.result(s), 10);
  s = agg.add(s, 'h10');
  assert.equal(agg.isEstimate!(s), true);
  assert.equal(agg.result(s), 11); // HLL is exact-ish at tiny counts
});

test('count_distinct on 300,000 distinct values is within its stated error', () => {
  const agg = distinct(); // default limit 100,000
  const n = 300_000;
  let s = agg.init();
  for (let i = 0; i < n; i++) s = agg.add(s, ip(i));
  for (let i = 0; i < 1000; i++) s = agg.add(s, ip(i)); // repeats change nothing
  assert.equal(agg.isEstimate!(s), true);
  const estimate = agg.result(s) as number;
  const error = Math.abs(estimate - n) / n;
  assert.ok(agg.relativeError! > 0.008 && agg.relativeError! < 0.0082);
  assert.ok(error <= agg.relativeError!, `estimate ${estimate} is off by ${(error * 100).toFixed(2)}%`);
});

test('HyperLogLog stays within 3 standard errors across cardinalities and value kinds', () => {
  const bound = 3 * HyperLogLog.standardError(14);
  for (const n of [1, 10, 1000, 20_000, 200_000]) {
    const strings = new HyperLogLog(14);
    const numbers = new HyperLogLog(14);
    for (let i = 0; i < n; i++) {
      strings.add(`/product/${i}?ref=home`);
      numbers.add(i * 7919);
    }
    for (const [kind, h] of [['strings', strings], ['numbers', numbers]] as const) {
      const error = Math.abs(h.estimate() - n) / n;
      assert.ok(error <= bound, `${kind} n=${n}: estimate ${h.estimate()}`);
    }
  }
  assert.equal(new HyperLogLog(14).estimate(), 0);
});

test('count_distinct merge: exact + exact stays exact, and overflows to a sketch', () => {
  const agg = distinct(100);
  let a = agg.init();
  let b = agg.init();
  for (let i = 0; i < 60; i++) a = agg.add(a, `v${i}`);
  for (let i = 30; i < 90; i++) b = agg.add(b, `v${i}`);
  const merged = agg.merge(a, b);
  assert.equal(agg.result(merged), 90);
  assert.equal(agg.isEstimate!(merged), false);
  assert.equal(agg.result(b), 60, 'the right side is not modified');

  let c = agg.init();
  for (let i = 1000; i < 1080; i++) c = agg.add(c, `v${i}`);
  const overflowed = agg.merge(merged, c);
  assert.equal(agg.isEstimate!(overflowed), true);
  assert.ok(Math.abs((agg.result(overflowed) as number) - 170) <= 2);
});

test('count_distinct merge of split halves equals the unsplit result, in every phase combination', () => {
  const limit = 5000;
  const agg = distinct(limit);
  const values = Array.from({ length: 40_000 }, (_, i) => ip((i * 7) % 23_000));
  let whole = agg.init();
  for (const v of values) whole = agg.add(whole, v);
  assert.equal(agg.isEstimate!(whole), true);
  const expected = agg.result(whole);
  // split points giving exact+sketch, sketch+exact and sketch+sketch halves
  for (const at of [2000, 38_500, 20_000]) {
    let a = agg.init();
    let b = agg.init();
    values.forEach((v, i) => {
      if (i < at) a = agg.add(a, v);
      else b = agg.add(b, v);
    });
    const phases = `${agg.isEstimate!(a)}/${agg.isEstimate!(b)}`;
    assert.equal(agg.result(agg.merge(a, b)), expected, `split at ${at} (${phases})`);
  }
  // both halves still exact: the merged result is exact too
  const small = values.slice(0, 3000);
  let a = agg.init();
  let b = agg.init();
  small.forEach((v, i) => {
    if (i % 2) a = agg.add(a, v);
    else b = agg.add(b, v);
  });
  assert.equal(agg.result(agg.merge(a, b)), new Set(small).size);
});

test('sketch + sketch merge does not modify the right side', () => {
  const agg = distinct(0);
  let a = agg.init();
  let b = agg.init();
  for (let i = 0; i < 500; i++) a = agg.add(a, i);
  for (let i = 500; i < 1500; i++) b = agg.add(b, i);
  const before = agg.result(b);
  agg.merge(a, b);
  assert.equal(agg.result(b), before);
});
