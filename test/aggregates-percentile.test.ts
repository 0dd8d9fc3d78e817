import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Value } from '../src/core/value.js';
import { createAggregate } from '../src/aggregates/create.js';
import { seededRandom as random } from './support/random.js';


/**
 * The nearest-rank percentile computed from its definition rather than from an index formula:
 * the smallest value v such that at least a fraction q of the values are <= v.
 */
function expectedPercentile(values: readonly number[], q: number): number {
  return expectedFromSorted([...values].sort((a, b) => a - b), q);
}

function expectedFromSorted(sorted: readonly number[], q: number): number {
  for (let i = 0; i < sorted.length; i++) {
    // Only the last of equal values knows how many values are <= it: i + 1.
    if (i + 1 < sorted.length && sorted[i + 1] === sorted[i]) continue;
    if (i + 1 >= q * sorted.length) return sorted[i];
  }
  throw new Error('no values');
}

function percentile(q: number, exactLimit?: number) {
  return createAggregate('percentile', { name: `p${q * 100}`, quantile: q, exactLimit });
}

function run(q: number, values: readonly Value[], exactLimit?: number) {
  const agg = percentile(q, exactLimit);
  let s = agg.init();
  for (const v of values) s = agg.add(s, v);
  return { agg, state: s, result: agg.result(s) };
}

test('exact percentiles follow the nearest-rank definition', () => {
  const values = [15, 20, 35, 40, 50];
  // The textbook example: p30 = 20, p40 = 20, p50 = 35, p100 = 50.
  assert.equal(run(0.3, values).result, 20);
  assert.equal(run(0.4, values).result, 20);
  assert.equal(run(0.5, values).result, 35);
  assert.equal(run(1, values).result, 50);
  assert.equal(run(0, values).result, 15);
  const next = random(7);
  const data = Array.from({ length: 1001 }, () => Math.floor(next() * 500));
  for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1]) {
    assert.equal(run(q, data).result, expectedPercentile(data, q), `q=${q}`);
  }
});

test('percentile skips non-numbers, reads numeric strings, and is null when empty', () => {
  assert.equal(run(0.5, [null, 'x', '30', 10, 20, NaN]).result, 20);
  assert.equal(run(0.5, []).result, null);
  assert.equal(run(0.5, [null, 'abc']).result, null);
});

test('exact percentile merge of split halves equals the unsplit result', () => {
  const next = random(11);
  const data = Array.from({ length: 2000 }, () => Math.round(next() * 1e4) - 3000);
  const agg = percentile(0.9);
  for (const at of [0, 1, 700, 1999, 2000]) {
    let a = agg.init();
    let b = agg.init();
    data.forEach((x, i) => {
      if (i < at) a = agg.addNumber!(a, x);
      else b = agg.addNumber!(b, x);
    });
    assert.equal(agg.result(agg.merge(a, b)), expectedPercentile(data, 0.9), `split at ${at}`);
    assert.equal(agg.isEstimate!(a), false);
  }
});

/** Log-normal-ish response sizes, with zeros, as access logs have. */
function sizes(n: number, seed: number): number[] {
  const next = random(seed);
  return Array.from({ length: n }, () => (next() < 0.05 ? 0 : Math.round(Math.exp(4 + next() * 10))));
}

test('past the limit a DDSketch takes over, within its stated 1% relative error', () => {
  const data = sizes(300_000, 3);
  const sorted = [...data].sort((a, b) => a - b);
  const quantiles = [0, 0.25, 0.5, 0.9, 0.99, 0.999, 1];
  const aggs = quantiles.map((q) => percentile(q)); // default limit: 100,000
  const states = aggs.map((agg) => agg.init());
  for (const x of data) for (let i = 0; i < aggs.length; i++) states[i] = aggs[i].addNumber!(states[i], x);
  quantiles.forEach((q, i) => {
    const agg = aggs[i];
    assert.equal(agg.isEstimate!(states[i]), true);
    assert.equal(agg.relativeError, 0.01);
    const result = agg.result(states[i]) as number;
    const exact = expectedFromSorted(sorted, q);
    assert.ok(Math.abs(result - exact) <= 0.01 * Math.abs(exact) + 1e-9, `q=${q}: ${result} vs exact ${exact}`);
  });
});

test('sketch merges of split halves equal the unsplit sketch, negative values included', () => {
  const next = random(5);
  const data = Array.from({ length: 30_000 }, () => Math.round((next() - 0.3) * 1e5));
  const limit = 1000;
  for (const q of [0.05, 0.5, 0.95]) {
    const whole = run(q, data, limit);
    const exact = expectedPercentile(data, q);
    assert.ok(Math.abs((whole.result as number) - exact) <= 0.01 * Math.abs(exact) + 1e-9, `q=${q}`);
    const agg = whole.agg;
    // exact+sketch, sketch+exact, sketch+sketch
    for (const at of [500, 29_500, 15_000]) {
      let a = agg.init();
      let b = agg.init();
      data.forEach((x, i) => {
        if (i < at) a = agg.add(a, x);
        else b = agg.add(b, x);
      });
      assert.equal(agg.result(agg.merge(a, b)), whole.result, `q=${q} split at ${at}`);
    }
  }
});

test('exact halves whose union exceeds the limit merge into a sketch', () => {
  const agg = percentile(0.5, 100);
  let a = agg.init();
  let b = agg.init();
  for (let i = 1; i <= 80; i++) a = agg.addNumber!(a, i);
  for (let i = 81; i <= 160; i++) b = agg.addNumber!(b, i);
  const merged = agg.merge(a, b);
  assert.equal(agg.isEstimate!(merged), true);
  assert.ok(Math.abs((agg.result(merged) as number) - 80) <= 0.8);
});
