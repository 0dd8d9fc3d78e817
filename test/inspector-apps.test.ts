import { test } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { CompareAnswer, SnapshotAnswer, TrendAnswer } from '../src/inspector/index.js';
import { call, startApp, type RunningApp } from './support/inspector-app.js';

/**
 * The inspector mounted in real Express and Fastify apps (child processes on 127.0.0.1), driven
 * by real HTTP requests: compare finds the leaking function with about the bytes it kept, a clean
 * route grows no site, the trend tells the leaky loop from the clean one, metrics are Prometheus
 * text (read by parse-prometheus-text-format, a parser that shares no code with the writer).
 */

const STRINGS = 2000;
const STRING_BYTES = 4096;
const LEAK_REQUESTS = 10;
/** What the leaky route keeps over LEAK_REQUESTS requests: the strings' characters, one byte each. */
const RETAINED = LEAK_REQUESTS * STRINGS * STRING_BYTES;

async function hit(app: RunningApp, path: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const r = await call(`${app.origin}${path}`, { token: null });
    assert.equal(r.status, 200, r.text);
  }
}

/** Hits `path` until the trend has `samples` samples (one every 100 ms), then reads it. */
async function trendAfter(app: RunningApp, path: string, samples: number): Promise<TrendAnswer> {
  for (;;) {
    await hit(app, path, 1);
    const t = (await call(`${app.inspector}/trend`)).json<TrendAnswer>();
    if (t.history.length >= samples) return t;
  }
}

for (const framework of ['express', 'fastify'] as const) {
  test(`${framework}: compare puts the leaking function on top with its retained bytes (within 20%); the clean route grows no site`, { timeout: 120_000 }, async () => {
    const app = await startApp(framework, ['--strings', String(STRINGS)]);
    try {
      // Warm both routes first: compiling and first-use caches are not the leak.
      await hit(app, '/clean', 3);
      const snap = await call(`${app.inspector}/snapshots?key=before`, { method: 'POST' });
      assert.equal(snap.status, 201, snap.text);
      const s = snap.json<SnapshotAnswer>();
      assert.equal(s.key, 'before');
      assert.ok(s.memory.heapUsed > 0 && s.memory.rss > 0);

      await hit(app, '/clean', LEAK_REQUESTS);
      const clean = (await call(`${app.inspector}/snapshots/before/compare?top=5`, { method: 'POST' })).json<CompareAnswer>();
      const cleanGrowth = clean.diffs.filter((d) => d.sizeDiff > 0);
      // The clean route made as many strings as the leaky one will keep, and kept none of them.
      for (const d of cleanGrowth) assert.ok(d.sizeDiff < 0.02 * RETAINED, `clean route: ${d.function} grew ${d.sizeDiff} bytes`);

      await hit(app, '/leak', LEAK_REQUESTS);
      const r = await call(`${app.inspector}/snapshots/before/compare?top=5`, { method: 'POST' });
      assert.equal(r.status, 200, r.text);
      const c = r.json<CompareAnswer>();
      const top = c.diffs[0]!;
      assert.equal(top.function, 'leakyRoute', JSON.stringify(c.diffs.slice(0, 3)));
      assert.match(top.file, /test\/fixtures\/inspector\/app\.mjs$/);
      assert.ok(Math.abs(top.sizeDiff - RETAINED) <= 0.2 * RETAINED, `sizeDiff ${top.sizeDiff} vs ${RETAINED} retained`);
      assert.ok(top.countDiff > 0 && top.size >= top.sizeDiff);
      assert.ok(c.diffs.length <= 5);
      for (let i = 1; i < c.diffs.length; i++) assert.ok(Math.abs(c.diffs[i - 1]!.sizeDiff) >= Math.abs(c.diffs[i]!.sizeDiff));
      assert.ok(c.heapUsedDiff > 0.8 * RETAINED, `heapUsedDiff ${c.heapUsedDiff}`);
      for (const k of ['externalDiff', 'arrayBuffersDiff', 'rssDiff'] as const) assert.equal(typeof c[k], 'number');

      const text = await call(`${app.inspector}/snapshots/before/compare?top=3`, { method: 'POST', accept: 'text/plain' });
      assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
      assert.match(text.text, /size diff +size +count diff +function +where\n *\+\d+\.\d MiB .* leakyRoute /);
    } finally {
      await app.stop();
    }
  });

  test(`${framework}: the trend says growing for the leaky loop and stable for the clean one`, { timeout: 180_000 }, async () => {
    const args = ['--strings', '500', '--trend-interval', '100', '--full-gc-after', '100'];
    const leaky = await startApp(framework, args);
    try {
      const t = await trendAfter(leaky, '/leak', 30);
      assert.equal(t.verdict, 'growing', `${t.reason} ${JSON.stringify(t.slopeCi95)}`);
      assert.ok(t.slopeCi95![0] > 0 && t.slopeBytesPerHour! > 0);
      assert.ok(t.samples >= 8);
      const text = await call(`${leaky.inspector}/trend`, { accept: 'text/plain' });
      assert.match(text.text, /^after GC [▁▂▃▄▅▆▇█ ]+ \d/m);
      assert.match(text.text, /trend: growing, \+/);
    } finally {
      await leaky.stop();
    }
    const clean = await startApp(framework, args);
    try {
      const t = await trendAfter(clean, '/clean', 30);
      assert.equal(t.verdict, 'stable', `${t.reason} ${JSON.stringify(t.slopeCi95)}`);
    } finally {
      await clean.stop();
    }
  });
}

test('metrics parse as Prometheus text, with prom-client standard names, and GET {prefix} reports memory and GC', { timeout: 60_000 }, async () => {
  const app = await startApp('express', ['--strings', '200']);
  try {
    await hit(app, '/clean', 5);
    const r = await call(`${app.inspector}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(r.text);
    const byName = new Map(families.map((f) => [f.name, f]));
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_external_memory_bytes', 'nodejs_gc_duration_seconds', 'logsift_memory_trend_growing']) {
      assert.ok(byName.has(name), `${name} missing`);
    }
    assert.equal(byName.get('nodejs_gc_duration_seconds')!.type, 'HISTOGRAM');
    const rss = Number((byName.get('process_resident_memory_bytes')!.metrics[0] as { value: string }).value);
    assert.ok(rss > 1024 * 1024);
    // This parser drops the labels (and _sum/_count) of labelled histogram series, so the kind
    // labels are read from the text: every sample line must also match the exposition grammar.
    assert.ok(Object.keys((byName.get('nodejs_gc_duration_seconds')!.metrics[0] as { buckets: object }).buckets).includes('+Inf'));
    for (const l of r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      assert.match(l, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|\+Inf|-Inf|NaN)$/, l);
    }
    const minorCount = /^nodejs_gc_duration_seconds_count\{kind="minor"\} (\d+)$/m.exec(r.text);
    const minorInf = /^nodejs_gc_duration_seconds_bucket\{le="\+Inf",kind="minor"\} (\d+)$/m.exec(r.text);
    assert.ok(minorCount && Number(minorCount[1]) > 0, 'the clean route ran minor collections');
    assert.equal(minorInf?.[1], minorCount[1]);

    const m = (await call(app.inspector)).json<{ heapUsed: number; rss: number; gc: { total: { count: number; pauseSeconds: number } }; eventLoopUtilization: { sinceStart: number }; peak: { rss: number } }>();
    assert.ok(m.heapUsed > 0 && m.rss > 0);
    // A high-water mark: at least the RSS read with it and the RSS /metrics read before it.
    assert.ok(m.peak.rss >= m.rss && m.peak.rss >= rss, `peak ${m.peak.rss}, rss ${m.rss}, earlier ${rss}`);
    assert.ok(m.gc.total.count > 0 && m.gc.total.pauseSeconds > 0);
    assert.ok(m.eventLoopUtilization.sinceStart > 0);
    const text = await call(app.inspector, { accept: 'text/plain' });
    assert.match(text.text, /^heap used +\d/m);
    assert.match(text.text, /^minor +\d+/m);
  } finally {
    await app.stop();
  }
});

test("metrics go into the app's own prom-client registry when it passes one", { timeout: 60_000 }, async () => {
  const app = await startApp('express', ['--registry']);
  try {
    const r = await call(`${app.inspector}/metrics`);
    assert.equal(r.status, 200, r.text);
    const names = new Set(parsePrometheusTextFormat(r.text).map((f) => f.name));
    assert.ok(names.has('app_requests_total'), "the app's own metric");
    assert.ok(names.has('nodejs_heap_size_used_bytes') && names.has('process_resident_memory_bytes') && names.has('nodejs_gc_duration_seconds'));
    assert.ok(names.has('logsift_memory_trend_slope_bytes_per_hour'), 'the trend slope gauge');
    assert.ok(names.has('logsift_memory_trend_growing'), 'the trend verdict gauge');
  } finally {
    await app.stop();
  }
});
