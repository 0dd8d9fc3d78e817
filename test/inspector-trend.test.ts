import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitTrend, type TrendSample } from '../src/inspector/index.js';
import { collectGarbage } from '../src/inspector/collect-garbage.js';
import { GcSampler } from '../src/inspector/gc-sampler.js';
import { sparkline } from '../src/inspector/sparkline.js';
import { seededRandom } from './support/random.js';

/** The trend verdict on made-up samples: what it says follows from the numbers, not the hour. */

const MiB = 1024 * 1024;

function samples(n: number, level: (i: number) => number, options: { fullEvery?: number; everyMs?: number } = {}): TrendSample[] {
  const every = options.fullEvery ?? 1;
  return Array.from({ length: n }, (_, i) => ({
    at: 1_700_000_000_000 + i * (options.everyMs ?? 10_000),
    liveAfterGc: Math.round(level(i)),
    heapAfterGc: Math.round(level(i)),
    fullGc: i % every === 0,
    rss: 100 * MiB,
  }));
}

test('a steady rise after full collections is growing, with a positive slope and interval', () => {
  const r = seededRandom(1);
  const fit = fitTrend(samples(40, (i) => 50 * MiB + i * MiB + (r() - 0.5) * 2 * MiB));
  assert.equal(fit.verdict, 'growing', fit.reason);
  // 1 MiB every 10 s is 360 MiB an hour.
  assert.ok(Math.abs(fit.slopeBytesPerHour! - 360 * MiB) < 0.1 * 360 * MiB, String(fit.slopeBytesPerHour));
  // The interval is above zero, holds the true slope, and is narrow: 20 samples with at most 1 MiB of noise.
  const [lo, hi] = fit.slopeCi95!;
  assert.ok(lo > 0 && lo < 360 * MiB && hi > 360 * MiB, `${lo} to ${hi}`);
  assert.ok(hi - lo < 0.2 * 360 * MiB, `${lo} to ${hi}`);
  assert.equal(fit.samples, 20, 'the recent half');
});

test('noise around a level is stable, and so is a rise too small to matter', () => {
  const r = seededRandom(2);
  assert.equal(fitTrend(samples(60, () => 80 * MiB + (r() - 0.5) * 10 * MiB)).verdict, 'stable');
  const tiny = fitTrend(samples(60, (i) => 80 * MiB + i * 1024));
  assert.equal(tiny.verdict, 'stable');
  assert.match(tiny.reason, /below the .* MiB that counts/);
});

test('start-up growth that stopped is not a leak: only the recent half is fitted', () => {
  const fit = fitTrend(samples(40, (i) => (i < 15 ? 10 * MiB + i * 5 * MiB : 85 * MiB)));
  assert.equal(fit.verdict, 'stable', fit.reason);
});

test('rises between full collections do not count: only full-collection samples are fitted', () => {
  // Old space fills with garbage after each full collection (every 5th sample) and falls back.
  const fit = fitTrend(samples(80, (i) => 40 * MiB + (i % 5) * 8 * MiB, { fullEvery: 5 }));
  assert.equal(fit.verdict, 'stable', fit.reason);
  assert.equal(fit.samples, 8);
});

test('too few samples, or none after a full collection, is unknown', () => {
  assert.equal(fitTrend([]).verdict, 'unknown');
  assert.equal(fitTrend(samples(10, (i) => i * 100 * MiB)).verdict, 'unknown', '5 recent samples');
  const noFull = fitTrend(samples(40, (i) => i * 100 * MiB, { fullEvery: 1000 }).slice(1));
  assert.equal(noFull.verdict, 'unknown');
  assert.match(noFull.reason, /^0 recent sample\(s\) after a full collection; need 8$/);
  const noGc = samples(40, () => 0).map((s) => ({ ...s, liveAfterGc: null }));
  assert.equal(fitTrend(noGc).verdict, 'unknown');
});

test('sparkline spans lowest to highest, with a space for a missing reading', () => {
  assert.equal(sparkline([1, 2, 3, 4, 5, 6, 7, 8]), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, null, 5]), '▁ ▁');
  assert.equal(sparkline([]), '');
  assert.equal(sparkline([1, 2, 3], 2), '▁█');
});

test('a memory read between trend ticks does not take the collections from the trend', () => {
  const gc = new GcSampler();
  gc.start();
  try {
    collectGarbage();
    gc.drain(); // what GET {prefix} and /metrics do
    const w = gc.takeWindow();
    assert.ok(w.full >= 1 && w.collections >= 1, JSON.stringify(w));
    assert.ok(w.liveAfterMin! > 0 && w.heapAfterMin! > 0);
    assert.equal(gc.takeWindow().full, 0, 'a fresh window after it is taken');
    assert.ok(gc.totals.get('major')!.count >= 1);
  } finally {
    gc.stop();
  }
});
