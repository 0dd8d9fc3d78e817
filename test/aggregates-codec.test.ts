import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant, type Value } from '../src/core/value.js';
import { decodeValue, decodeValues, encodeValue, encodeValues } from '../src/core/value-codec.js';
import type { Aggregate } from '../src/aggregates/aggregate.js';

type AggregateFunction = string;
import { CODEC_VERSION } from '../src/aggregates/codec.js';
import { createAggregate } from '../src/aggregates/create.js';
import { GroupTable } from '../src/aggregates/group.js';
import type { PercentileState } from '../src/aggregates/percentile.js';
import { TopCounter } from '../src/aggregates/top-counter.js';
import { seededRandom as random } from './support/random.js';


/** The two ways a partial result travels: as JSON text, and to a worker thread. */
const transports: Record<string, (data: unknown) => unknown> = {
  json: (data) => JSON.parse(JSON.stringify(data)),
  structuredClone: (data) => structuredClone(data),
};

function trip<S>(agg: Aggregate<S>, state: S, transport: (data: unknown) => unknown): S {
  return agg.decode(transport(agg.encode(state)));
}

/** Every kind of value a field can hold, including the ones JSON cannot carry. */
function randomValue(next: () => number): Value {
  const r = next();
  const n = Math.floor(next() * 200) - 50;
  if (r < 0.25) return n; // small integers repeat, so sets and groups see duplicates
  if (r < 0.35) return n + next(); // floats
  if (r < 0.42) return 2 ** 53 + Math.floor(next() * 1e6) * 2; // integers past 2^53
  if (r < 0.47) return BigInt(n) * 10n ** 20n + 7n; // bigints
  if (r < 0.55) return String(n); // numeric strings
  if (r < 0.65) return `host-${n}`;
  if (r < 0.7) return null;
  if (r < 0.74) return next() < 0.5;
  if (r < 0.82) return new Instant(1_700_000_000_000 + n * 1000, [0, -240, 330][n & 1 ? 1 : 2]!);
  if (r < 0.86) return NaN;
  if (r < 0.9) return next() < 0.5 ? Infinity : -Infinity;
  if (r < 0.93) return -0;
  return Math.round((next() - 0.4) * 1e6); // wide numbers, for the sketches
}

function randomValues(seed: number, n: number): Value[] {
  const next = random(seed);
  return Array.from({ length: n }, () => randomValue(next));
}

function build<S>(agg: Aggregate<S>, values: readonly Value[]): S {
  let s = agg.init();
  for (const v of values) s = agg.add(s, v);
  return s;
}

interface Case {
  label: string;
  fn: AggregateFunction;
  quantile?: number;
  exactLimit?: number;
  /** States are compared field by field (not only by result) after the trip. */
  exact: boolean;
}

const cases: Case[] = [
  { label: 'count', fn: 'count', exact: true },
  { label: 'sum', fn: 'sum', exact: true },
  { label: 'avg', fn: 'avg', exact: true },
  { label: 'min', fn: 'min', exact: true },
  { label: 'max', fn: 'max', exact: true },
  { label: 'count_distinct (exact)', fn: 'count_distinct', exact: true },
  { label: 'count_distinct (sketch)', fn: 'count_distinct', exactLimit: 20, exact: false },
  { label: 'p50 (exact)', fn: 'percentile', quantile: 0.5, exact: true },
  { label: 'p99 (sketch)', fn: 'percentile', quantile: 0.99, exactLimit: 30, exact: false },
  { label: 'p0 (sketch)', fn: 'percentile', quantile: 0, exactLimit: 30, exact: false },
  { label: 'p100 (sketch)', fn: 'percentile', quantile: 1, exactLimit: 30, exact: false },
];

function aggregateOf(c: Case): Aggregate<unknown> {
  return createAggregate(c.fn, { name: c.label, quantile: c.quantile, exactLimit: c.exactLimit });
}

for (const c of cases) {
  test(`${c.label}: random states survive JSON and structured clone`, () => {
    const agg = aggregateOf(c);
    for (let seed = 1; seed <= 40; seed++) {
      const values = randomValues(seed, Math.floor(random(seed * 31)() * 300));
      const state = build(agg, values);
      for (const [how, transport] of Object.entries(transports)) {
        const back = trip(agg, state, transport);
        const where = `seed ${seed}, ${how}`;
        assert.deepEqual(agg.result(back), agg.result(state), where);
        assert.equal(agg.isEstimate?.(back), agg.isEstimate?.(state), where);
        if (c.exact) assert.deepEqual(back, state, where);
        // The decoded state goes on like the original: same further adds, same answers.
        const more = randomValues(seed + 1000, 50);
        const original = build(agg, values.concat(more));
        let continued = back;
        for (const v of more) continued = agg.add(continued, v);
        assert.deepEqual(agg.result(continued), agg.result(original), `${where}, continued`);
      }
    }
  });

  test(`${c.label}: merging decoded states equals merging the originals`, () => {
    const agg = aggregateOf(c);
    for (let seed = 1; seed <= 25; seed++) {
      const left = randomValues(seed, 10 + seed * 7);
      const right = randomValues(seed + 500, 5 + seed * 3);
      for (const transport of Object.values(transports)) {
        const a = build(agg, left);
        const b = build(agg, right);
        const a2 = trip(agg, a, transport);
        const b2 = trip(agg, b, transport);
        const merged = agg.merge(a, b);
        const mergedBack = agg.merge(a2, b2);
        assert.deepEqual(agg.result(mergedBack), agg.result(merged), `seed ${seed}`);
        if (c.exact) assert.deepEqual(mergedBack, merged, `seed ${seed}`);
        // b was not mutated by encoding or merging: decoding it again gives the same result.
        assert.deepEqual(agg.result(trip(agg, b, transport)), agg.result(build(agg, right)));
      }
    }
  });
}

test('values: every kind keeps its type through JSON and structured clone', () => {
  const values: Value[] = [
    'text', '', '{"big":"1"}', 0, 1.5, -7, 2 ** 60, Number.MAX_VALUE, 5e-324, NaN, Infinity, -Infinity, -0,
    1n, -(2n ** 100n), 0n, true, false, null, new Instant(Date.UTC(1995, 6, 1, 4), -240), new Instant(-1, 330),
  ];
  for (const transport of Object.values(transports)) {
    const back = decodeValues(transport(encodeValues(values)), values.length);
    assert.deepEqual(back, values);
    const instant = back[back.length - 2] as Instant;
    assert.ok(instant instanceof Instant);
    assert.equal(instant.offsetMinutes, -240);
    assert.equal(String(instant), '1995-07-01T00:00:00-04:00');
  }
  assert.equal(encodeValue('a'), 'a', 'a plain string stays plain');
  assert.equal(encodeValue(42.5), 42.5, 'a plain number stays plain');
  assert.equal(encodeValue(null), null);
  assert.deepEqual(encodeValue(-0), { num: '-0' });
  assert.deepEqual(encodeValue(2n ** 64n), { big: '18446744073709551616' });
  assert.deepEqual(encodeValue(new Instant(5, 60)), { ms: 5, off: 60 });
});

test('values: what encodeValue cannot have written is a RangeError', () => {
  const bad: unknown[] = [
    undefined, NaN, Infinity, [], [1], {}, { num: 'nan' }, { num: 1 }, { big: '0x1f' }, { big: ' 7' }, { big: '' },
    { big: '01' }, { big: 1 }, { ms: 1 }, { ms: 1, off: 'x' }, { ms: NaN, off: 0 }, { ms: 1, off: 0, x: 1 },
    { big: '1', num: 'NaN' }, () => 1, Symbol('s'), 1n,
  ];
  bad.forEach((e, i) => assert.throws(() => decodeValue(e), RangeError, `bad value #${i}`));
  assert.throws(() => decodeValues([1, 2], 3), RangeError);
  assert.throws(() => decodeValues('1'), RangeError);
});

test('sum: exact past 2^53, with its bigint part, float part and count', () => {
  const sum = createAggregate('sum', { name: 'sum' });
  const avg = createAggregate('avg', { name: 'avg' });
  const big = build(sum, [2 ** 53, 1, 1, 2n ** 70n, Number.MAX_SAFE_INTEGER, 3]);
  const encoded = JSON.parse(JSON.stringify(sum.encode(big)));
  assert.equal(typeof encoded.big, 'string');
  assert.equal(encoded.float, undefined, 'an integer sum has no float part');
  assert.equal(sum.result(sum.decode(encoded)), 2n ** 53n + 2n + 2n ** 70n + BigInt(Number.MAX_SAFE_INTEGER) + 3n);
  const floats = build(sum, [0.1, 0.2, 1e100, -1e100, 5]);
  assert.deepEqual(sum.decode(JSON.parse(JSON.stringify(sum.encode(floats)))), floats);
  const infinite = build(avg, [Infinity, -Infinity, 2]); // float part NaN
  const back = avg.decode(JSON.parse(JSON.stringify(avg.encode(infinite))));
  assert.deepEqual(back, infinite);
  assert.ok(Number.isNaN(avg.result(back)));
  assert.deepEqual(sum.encode(sum.init()), { n: 0 }, 'an empty sum is one field');
});

test('count_distinct: 1, "1", 1n, true and 0 stay five distinct keys', () => {
  const agg = createAggregate('count_distinct', { name: 'cd' });
  const state = build(agg, [1, '1', 1n, true, 0, -0, 1, '1', 2n ** 80n, Infinity]);
  assert.equal(agg.result(state), 7);
  for (const transport of Object.values(transports)) {
    const back = trip(agg, state, transport) as { set: Set<unknown> };
    assert.deepEqual(back, state);
    assert.deepEqual([...back.set], [1, '1', 1n, true, 0, 2n ** 80n, Infinity]);
  }
});

test('count_distinct: the sketch registers come back byte for byte', () => {
  const agg = createAggregate('count_distinct', { name: 'cd', exactLimit: 100 });
  const state = build(agg, Array.from({ length: 5000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`)) as {
    hll: { registers: Uint8Array };
  };
  const back = trip(agg, state, transports.json!) as typeof state;
  assert.deepEqual(back.hll.registers, state.hll.registers);
  assert.equal(agg.result(back), agg.result(state));
  assert.equal(typeof (agg.encode(state) as { hll: { registers: unknown } }).hll.registers, 'string');
});

test('count_distinct and percentile: a receiver with a smaller exact limit switches to its sketch', () => {
  const values = Array.from({ length: 200 }, (_, i) => i);
  const cd = createAggregate('count_distinct', { name: 'cd' });
  const cdSmall = createAggregate('count_distinct', { name: 'cd', exactLimit: 50 });
  const received = cdSmall.decode(cd.encode(build(cd, values)));
  assert.equal(cdSmall.isEstimate!(received), true);
  assert.equal(cdSmall.result(received), cdSmall.result(build(cdSmall, values)));
  const p = createAggregate('percentile', { name: 'p90', quantile: 0.9 });
  const pSmall = createAggregate('percentile', { name: 'p90', quantile: 0.9, exactLimit: 50 });
  const got = pSmall.decode(p.encode(build(p, values)));
  assert.equal(pSmall.isEstimate!(got), true);
  assert.equal(pSmall.result(got), pSmall.result(build(pSmall, values)));
});

test('min and max: Instants keep their class and offset, bigints their digits', () => {
  const max = createAggregate('max', { name: 'max' });
  const min = createAggregate('min', { name: 'min' });
  const late = new Instant(Date.UTC(2024, 0, 1, 12), 330);
  for (const transport of Object.values(transports)) {
    const t = trip(max, build(max, [new Instant(0, 0), late, 'text']), transport);
    assert.ok(max.result(t) instanceof Instant);
    assert.equal(String(max.result(t)), String(late));
    assert.deepEqual(t, { ordered: late, text: 'text' }); // text is kept apart, for columns without numbers
    assert.equal(max.result(trip(max, build(max, [2n ** 90n, 5]), transport)), 2n ** 90n);
    assert.equal(min.result(trip(min, build(min, ['pear', 'apple']), transport)), 'apple');
    assert.deepEqual(trip(min, min.init(), transport), min.init());
  }
});

test('percentile: exact values keep their infinities; sketches answer the same after the trip', () => {
  const exact = createAggregate('percentile', { name: 'p100', quantile: 1 });
  const withInf = build(exact, [3, Infinity, -Infinity, 7, -0]);
  assert.deepEqual(trip(exact, withInf, transports.json!), withInf);
  assert.equal(exact.result(trip(exact, withInf, transports.json!)), Infinity);

  const next = random(99);
  const data = Array.from({ length: 20_000 }, () => {
    const r = next();
    if (r < 0.01) return r < 0.005 ? Infinity : -Infinity;
    if (r < 0.05) return 0;
    return Math.round((next() - 0.3) * 1e6) / (r < 0.5 ? 1 : 1000);
  });
  for (const q of [0, 0.001, 0.1, 0.5, 0.9, 0.999, 1]) {
    const agg = createAggregate('percentile', { name: `p${q}`, quantile: q, exactLimit: 1000 });
    const state = build(agg, data) as PercentileState;
    const back = trip(agg, state, transports.json!) as PercentileState;
    assert.equal(agg.result(back), agg.result(state), `q=${q}`);
    const [s, t] = [state.sketch!, back.sketch!];
    assert.deepEqual([t.count, t.min, t.max, t.sum, t.zeroCount], [s.count, s.min, s.max, s.sum, s.zeroCount]);
    assert.deepEqual([back.negInf, back.posInf], [state.negInf, state.posInf]);
    for (let k = 0; k <= 100; k++) assert.equal(t.getValueAtQuantile(k / 100), s.getValueAtQuantile(k / 100));
  }
  // Empty bins between far-apart values are written as runs, not one zero each.
  const sparse = createAggregate('percentile', { name: 'p50', quantile: 0.5, exactLimit: 0 });
  const spread = build(sparse, [1, 1e3, 1e6, 1e9, -1e-3, -1e3]);
  const encoded = sparse.encode(spread) as { sketch: { positive: { counts: number[] }; negative: { counts: number[] } } };
  assert.ok(encoded.sketch.positive.counts.length === 7 && encoded.sketch.negative.counts.length === 3);
  assert.equal(encoded.sketch.positive.counts.filter((c) => c < 0).length, 3);
  const spreadBack = trip(sparse, spread, transports.json!) as PercentileState;
  for (let k = 0; k <= 10; k++) {
    assert.equal(spreadBack.sketch!.getValueAtQuantile(k / 10), (spread as PercentileState).sketch!.getValueAtQuantile(k / 10));
  }
  // A sketch that holds only infinities is empty (min Infinity, max -Infinity) and still comes back.
  const onlyInf = createAggregate('percentile', { name: 'p50', quantile: 0.5, exactLimit: 0 });
  const inf = build(onlyInf, [Infinity, Infinity, -Infinity]);
  for (const transport of Object.values(transports)) assert.equal(onlyInf.result(trip(onlyInf, inf, transport)), Infinity);
});

test('decode rejects wrong shapes with a RangeError', () => {
  const bad: [AggregateFunction, unknown][] = [
    ['count', -1], ['count', 1.5], ['count', '3'], ['count', null],
    ['sum', null], ['sum', {}], ['sum', { n: 1, small: 2 ** 60 }], ['sum', { n: 1, big: '1e3' }],
    ['sum', { n: 1, float: 'x', floatComp: 0 }], ['sum', { n: 1, floatComp: 0 }],
    ['min', []], ['min', { ordered: 'a' }], ['min', { ordered: true }], ['min', { text: 5 }], ['min', { ordered: { num: 'NaN' } }],
    ['count_distinct', {}], ['count_distinct', { set: 'a' }], ['count_distinct', { set: [1, 1] }],
    ['count_distinct', { set: [null] }], ['count_distinct', { set: [{ ms: 1, off: 0 }] }],
    ['count_distinct', { set: [{ num: 'NaN' }] }], ['count_distinct', { hll: { precision: 14, registers: 'AAAA' } }],
    ['count_distinct', { hll: { precision: 12, registers: 'A'.repeat(5464) } }], ['count_distinct', { hll: { precision: 99 } }],
    ['count_distinct', { hll: { precision: 14, registers: Buffer.alloc(16384, 52).toString('base64') } }], // ranks above 51
    ['count_distinct', { hll: { precision: 14, registers: '*'.repeat(21848) } }], ['count_distinct', { set: [], hll: {} }],
    ['percentile', {}], ['percentile', { values: [{ num: 'NaN' }] }], ['percentile', { values: ['1'] }],
    ['percentile', { sketch: {}, negInf: 0, posInf: 0 }], ['percentile', { values: [], sketch: {} }],
  ];
  const p = createAggregate('percentile', { name: 'p', quantile: 0.5, exactLimit: 2 });
  const good = p.encode(build(p, [1, 2, 3, -4, 0])) as { sketch: Record<string, unknown>; negInf: number; posInf: number };
  const sketchWith = (patch: Record<string, unknown>) => ({ ...good, sketch: { ...good.sketch, ...patch } });
  const badSketches: unknown[] = [
    sketchWith({ accuracy: 0.02 }), sketchWith({ min: 5 }), sketchWith({ zeros: -1 }), sketchWith({ positive: { key: 1.5, counts: [1] } }),
    sketchWith({ positive: { key: 0, counts: [-2, 1] } }), sketchWith({ positive: { key: 0, counts: [1, -2] } }),
    sketchWith({ negative: { key: 0, counts: [1, 0, 1] } }), sketchWith({ negative: { key: 0, counts: [1, 1.5] } }),
    sketchWith({ negative: { key: 2 ** 53, counts: [1] } }), sketchWith({ negative: { counts: [1] } }),
    sketchWith({ max: null }), { ...good, negInf: -1 },
  ];
  for (const data of badSketches) bad.push(['percentile', data]);
  bad.forEach(([fn, data], i) => {
    const agg = createAggregate(fn, { name: fn, quantile: 0.5, exactLimit: fn === 'percentile' ? 2 : undefined });
    assert.throws(() => agg.decode(data), RangeError, `#${i} ${fn}: ${JSON.stringify(data).slice(0, 100)}`);
  });
  assert.equal(p.result(p.decode(good)), p.result(build(p, [1, 2, 3, -4, 0])), 'the unpatched sketch decodes');
});

function allAggregates(): Aggregate<unknown>[] {
  return cases.map(aggregateOf);
}

/** A table keyed by every kind of value, fed with random values. */
function buildTable(seed: number, keyCount: number, records: number, maxGroups = Infinity): GroupTable {
  const aggregates = allAggregates();
  const table = new GroupTable(aggregates, keyCount, undefined, maxGroups);
  const next = random(seed);
  const keyKinds = (): Value => {
    const r = next();
    const n = Math.floor(next() * 6);
    if (r < 0.2) return new Instant(1_700_000_000_000 + n * 3_600_000, n % 2 ? -240 : 60);
    if (r < 0.35) return BigInt(n) + 2n ** 64n;
    if (r < 0.45) return null;
    if (r < 0.65) return n;
    if (r < 0.7) return n === 1;
    return String(n);
  };
  for (let r = 0; r < records; r++) {
    const keys = Array.from({ length: keyCount }, keyKinds);
    const states = table.entry(keys);
    const v = randomValue(next);
    for (let i = 0; i < aggregates.length; i++) states[i] = aggregates[i]!.add(states[i], v);
  }
  return table;
}

function tripTable(table: GroupTable, transport: (data: unknown) => unknown, maxGroups = Infinity): GroupTable {
  return GroupTable.decode(table.aggregates, table.keyCount, table.keyNames, maxGroups, transport(table.encode()));
}

test('group tables with Instant, bigint, null, number, boolean and string keys round-trip with types', () => {
  for (const keyCount of [0, 1, 2]) {
    for (let seed = 1; seed <= 8; seed++) {
      const table = buildTable(seed, keyCount, 400);
      for (const [how, transport] of Object.entries(transports)) {
        const back = tripTable(table, transport);
        const where = `${keyCount} keys, seed ${seed}, ${how}`;
        assert.deepEqual(back.rows(), table.rows(), where);
        assert.deepEqual(back.schema(), table.schema(), where);
        assert.equal(back.size, table.size);
        // Keys keep their class: Instants with their offset, bigints as bigints.
        back.rows().forEach((row, g) => row.slice(0, keyCount).forEach((k, i) => assert.deepEqual(k, table.rows()[g]![i])));
      }
    }
  }
  const encoded = buildTable(1, 1, 50).encode();
  assert.equal(encoded.version, CODEC_VERSION);
  assert.equal(encoded.keyCount, 1);
});

test('merging decoded group tables equals merging the originals', () => {
  for (const keyCount of [0, 1, 2]) {
    for (let seed = 1; seed <= 6; seed++) {
      for (const transport of Object.values(transports)) {
        const a = buildTable(seed, keyCount, 300);
        const b = buildTable(seed + 100, keyCount, 200);
        const a2 = tripTable(a, transport);
        const b2 = tripTable(b, transport);
        a.merge(b);
        a2.merge(b2);
        assert.deepEqual(a2.rows(), a.rows(), `${keyCount} keys, seed ${seed}`);
        assert.deepEqual(a2.schema(), a.schema());
      }
    }
  }
});

test('group tables keep droppedRecords, and decoding checks the shape', () => {
  const limited = buildTable(3, 1, 300, 4);
  assert.ok(limited.droppedRecords > 0);
  const back = tripTable(limited, transports.json!, 4);
  assert.equal(back.droppedRecords, limited.droppedRecords);
  assert.deepEqual(back.rows(), limited.rows());

  const good = buildTable(4, 2, 100).encode();
  const aggs = allAggregates();
  const decode = (data: unknown, keyCount = 2, maxGroups = Infinity) => GroupTable.decode(aggs, keyCount, undefined, maxGroups, data);
  assert.equal(decode(good).size, good.groups.length);
  const bad: [unknown, number?, number?][] = [
    [null], [[]], [{ ...good, version: 2 }], [{ ...good, version: undefined }], [good, 1], [{ ...good, groups: {} }],
    [good, 2, good.groups.length - 1], [{ ...good, groups: [good.groups[0], good.groups[0]] }],
    [{ ...good, groups: [[good.groups[0]![0]]] }], [{ ...good, groups: [[good.groups[0]![0], []]] }],
    [{ ...good, groups: [[[1], good.groups[0]![1]]] }], [{ ...good, groups: [[good.groups[0]![0], good.groups[0]![1].map(() => 'x')]] }],
    [{ ...good, droppedRecords: -1 }], [{ ...buildTable(1, 0, 10).encode(), groups: [] }, 0],
  ];
  for (const [data, keyCount, maxGroups] of bad) {
    assert.throws(() => decode(data, keyCount, maxGroups), RangeError, JSON.stringify(data)?.slice(0, 100));
  }
});

/** A skewed stream of keys of every kind, as `top N field` sees. */
function topStream(seed: number, n: number): Value[] {
  const next = random(seed);
  return Array.from({ length: n }, () => {
    const k = Math.floor(1 / (next() + 0.01)); // a few keys very often, many rarely
    const kind = k % 5;
    if (kind === 0) return `/path/${k}`;
    if (kind === 1) return k;
    if (kind === 2) return BigInt(k) * 10n ** 18n;
    if (kind === 3) return new Instant(k * 60_000, -240);
    return k % 2 ? null : String(k);
  });
}

function buildTop(limit: number, keys: readonly Value[]): TopCounter {
  const top = new TopCounter(limit);
  for (const k of keys) top.add(k);
  return top;
}

test('TopCounter: counts, errors, arrival order and sketch mode survive the trip', () => {
  for (const limit of [5, 40, 1000]) {
    for (let seed = 1; seed <= 6; seed++) {
      const keys = topStream(seed, 2000);
      const top = buildTop(limit, keys);
      for (const [how, transport] of Object.entries(transports)) {
        const back = TopCounter.decode(limit, transport(top.encode()));
        const where = `limit ${limit}, seed ${seed}, ${how}`;
        assert.equal(back.isEstimate, top.isEstimate, where);
        assert.deepEqual(back.top(limit), top.top(limit), where);
        assert.deepEqual(back.encode(), top.encode(), where);
        // Same further adds, same evictions and answers.
        const more = topStream(seed + 50, 500);
        for (const k of more) {
          back.add(k);
          top.add(k);
        }
        assert.deepEqual(back.top(limit), top.top(limit), `${where}, continued`);
        assert.deepEqual(back.encode(), top.encode(), `${where}, continued`);
      }
    }
  }
  assert.equal(buildTop(5, topStream(1, 2000)).isEstimate, true, 'the small limit reached sketch mode');
});

test('TopCounter: merging decoded counters equals merging the originals', () => {
  for (const limit of [5, 40, 1000]) {
    for (let seed = 1; seed <= 6; seed++) {
      for (const transport of Object.values(transports)) {
        const a = buildTop(limit, topStream(seed, 1500));
        const b = buildTop(limit, topStream(seed + 7, 900));
        const a2 = TopCounter.decode(limit, transport(a.encode()));
        const b2 = TopCounter.decode(limit, transport(b.encode()));
        a.merge(b);
        a2.merge(b2);
        assert.deepEqual(a2.top(limit), a.top(limit), `limit ${limit}, seed ${seed}`);
        assert.deepEqual(a2.encode(), a.encode());
      }
    }
  }
});

test('TopCounter.decode rejects wrong shapes with a RangeError', () => {
  const good = buildTop(5, topStream(2, 500)).encode();
  const first = good.counters[0]!;
  const bad: unknown[] = [
    null, { ...good, version: 0 }, { ...good, sketch: 'yes' }, { ...good, arrivals: -1 }, { ...good, counters: {} },
    { ...good, counters: [...good.counters, [{ big: '1' }, 1, 0, 0]] }, // six counters for a limit of 5
    { ...good, counters: [first, first] }, { ...good, counters: [[first[0], 1, 2, 0]] }, { ...good, counters: [[first[0], 1, 0]] },
    { ...good, counters: [['a', 1, 0, good.arrivals]] }, { ...good, counters: [['a', 1, 0, 0], ['b', 1, 0, 0]] },
    { ...good, sketch: true, counters: [] }, { ...good, counters: [[{ x: 1 }, 1, 0, 0]] },
  ];
  for (const data of bad) assert.throws(() => TopCounter.decode(5, data), RangeError, JSON.stringify(data)?.slice(0, 100));
  assert.deepEqual(TopCounter.decode(5, good).encode(), good);
});
