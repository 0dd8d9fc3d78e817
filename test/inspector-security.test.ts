import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInspector } from '../src/inspector/index.js';
import { call, startApp, TOKEN, type RunningApp } from './support/inspector-app.js';

/**
 * Safe by default: no token, no inspector; every request authenticated first; state changes only
 * by POST and DELETE; the app's own paths untouched; parameters checked; one expensive operation
 * at a time; a bounded snapshot store with a TTL; heap snapshots only when allowed.
 */

async function withApp(framework: 'express' | 'fastify' | 'http', args: readonly string[], fn: (app: RunningApp) => Promise<void>): Promise<void> {
  const app = await startApp(framework, args);
  try {
    await fn(app);
  } finally {
    await app.stop();
  }
}

test('createInspector refuses to start without a token, with a short one, or with a bad prefix', () => {
  assert.throws(() => createInspector({}), /a token is required/);
  assert.throws(() => createInspector({ token: 'short' }), /at least 16 characters/);
  assert.throws(() => createInspector({ token: TOKEN, insecure: true }), /not both/);
  assert.throws(() => createInspector({ token: TOKEN, prefix: 'debug' }), /prefix must be a path/);
  assert.throws(() => createInspector({ token: TOKEN, prefix: '/debug/' }), /prefix must be a path/);
  assert.throws(() => createInspector({ token: TOKEN, maxSnapshots: 0 }), /maxSnapshots must be a whole number/);
});

test('insecure: true answers without a token but listens only on loopback', { timeout: 30_000 }, async () => {
  const inspector = createInspector({ insecure: true });
  try {
    await assert.rejects(inspector.listen({ host: '0.0.0.0' }), /listens only on loopback, not 0\.0\.0\.0/);
    const listening = await inspector.listen();
    try {
      assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+\/debug\/memory$/);
      const r = await call(listening.url, { token: null });
      assert.equal(r.status, 200, r.text);
      assert.equal((await call(`http://127.0.0.1:${listening.port}/elsewhere`, { token: null })).status, 404);
    } finally {
      await listening.close();
    }
  } finally {
    inspector.close();
  }
});

for (const framework of ['express', 'fastify', 'http'] as const) {
  test(`${framework}: no token is 401, a wrong one 403, for every inspector path, before anything else is read`, { timeout: 60_000 }, async () => {
    await withApp(framework, [], async (app) => {
      for (const [method, path] of [['GET', ''], ['GET', '/metrics'], ['GET', '/trend'], ['POST', '/snapshots?key=a'], ['POST', '/snapshots/a/compare'], ['DELETE', '/snapshots/a'], ['POST', '/cpu-profile?seconds=1'], ['POST', '/heap-snapshot'], ['GET', '/no-such-thing'], ['PUT', '/snapshots?top=abc']] as const) {
        const none = await call(`${app.inspector}${path}`, { method, token: null });
        assert.equal(none.status, 401, `${method} ${path}: ${none.text}`);
        assert.match(none.json<{ error: string }>().error, /missing Authorization: Bearer TOKEN/);
        assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
        const wrong = await call(`${app.inspector}${path}`, { method, token: `${TOKEN}x` });
        assert.equal(wrong.status, 403, `${method} ${path}: ${wrong.text}`);
        assert.deepEqual(wrong.json(), { error: 'wrong token' });
      }
      const basic = await fetch(app.inspector, { headers: { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` } });
      assert.equal(basic.status, 401);
      // Nothing was stored by the refused POSTs.
      const m = (await call(app.inspector)).json<{ snapshots: string[] }>();
      assert.deepEqual(m.snapshots, []);
    });
  });

  test(`${framework}: the app's own routes and 404s are untouched`, { timeout: 60_000 }, async () => {
    await withApp(framework, [], async (app) => {
      const hello = await call(`${app.origin}/hello`, { token: null });
      assert.equal(hello.status, 200);
      assert.equal(hello.text, 'hello from the app');
      const missing = await call(`${app.origin}/nope`, { token: null });
      assert.equal(missing.status, 404);
      const own404 = { express: /Cannot GET \/nope/, fastify: /Route GET:\/nope not found/, http: /^app 404$/ }[framework];
      assert.match(missing.text, own404);
      // A path that only starts like the prefix is the app's, not the inspector's.
      const near = await call(`${app.origin}/debug/memoryless`, { token: null });
      assert.equal(near.status, 404);
      assert.doesNotMatch(near.text, /Bearer/);
      if (framework === 'express') assert.equal((await call(`${app.origin}/debug/memoryless`, { method: 'POST', token: null })).text, 'app route');
    });
  });
}

test('state changes only by POST and DELETE: other methods get 405 with Allow', { timeout: 60_000 }, async () => {
  await withApp('express', [], async (app) => {
    for (const [method, path, allow] of [['GET', '/snapshots?key=a', 'POST'], ['PUT', '/snapshots?key=a', 'POST'], ['GET', '/snapshots/a/compare', 'POST'], ['GET', '/cpu-profile', 'POST'], ['GET', '/heap-snapshot', 'POST'], ['GET', '/snapshots/a', 'DELETE'], ['POST', '/trend', 'GET'], ['DELETE', '', 'GET'], ['POST', '/metrics', 'GET']] as const) {
      const r = await call(`${app.inspector}${path}`, { method });
      assert.equal(r.status, 405, `${method} ${path}: ${r.text}`);
      assert.equal(r.headers.get('allow'), allow);
      assert.match(r.json<{ error: string }>().error, new RegExp(`^${method} is not allowed here; use ${allow}$`));
    }
    assert.deepEqual((await call(app.inspector)).json<{ snapshots: string[] }>().snapshots, [], 'the GET stored nothing');
    const unknown = await call(`${app.inspector}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.json<{ error: string }>().error, /no inspector endpoint \/nothing-here/);
  });
});

test('malformed and oversized parameters are 400 with a message, unknown keys 404', { timeout: 60_000 }, async () => {
  await withApp('http', [], async (app) => {
    assert.equal((await call(`${app.inspector}/snapshots?key=a`, { method: 'POST' })).status, 201);
    const cases: [string, string, RegExp][] = [
      ['POST', '/snapshots/a/compare?top=abc', /^top must be a whole number from 1 to 1000, got "abc"$/],
      ['POST', '/snapshots/a/compare?top=0', /^top must be a whole number from 1 to 1000/],
      ['POST', '/snapshots/a/compare?top=100000', /^top must be a whole number from 1 to 1000/],
      ['POST', '/snapshots/a/compare?top=1e3', /^top must be a whole number/],
      ['POST', '/snapshots/a/compare?top=5&top=6', /^parameter top is given more than once$/],
      ['POST', '/snapshots/a/compare?tpo=5', /^unknown parameter tpo$/],
      ['POST', '/cpu-profile?seconds=100000', /^seconds must be a number of seconds above 0 and at most 60, got "100000"$/],
      ['POST', '/cpu-profile?seconds=-1', /^seconds must be/],
      ['POST', '/cpu-profile?seconds=abc', /^seconds must be/],
      ['POST', '/snapshots', /^give the snapshot a key/],
      ['POST', '/snapshots?key=', /^a snapshot key is 1 to 64/],
      ['POST', `/snapshots?key=${'k'.repeat(65)}`, /^a snapshot key is 1 to 64/],
      ['POST', '/snapshots?key=..%2F..%2Fetc', /^a snapshot key is 1 to 64/],
      ['POST', '/snapshots/bad%20key/compare', /^a snapshot key is 1 to 64/],
      ['POST', '/snapshots/%E0%A4%A/compare', /^malformed percent-encoding/],
    ];
    for (const [method, path, message] of cases) {
      const r = await call(`${app.inspector}${path}`, { method });
      assert.equal(r.status, 400, `${method} ${path}: ${r.text}`);
      assert.match(r.json<{ error: string }>().error, message, path);
    }
    const long = await call(`${app.inspector}/snapshots?key=a&pad=${'x'.repeat(3000)}`, { method: 'POST' });
    assert.equal(long.status, 414);
    const missing = await call(`${app.inspector}/snapshots/zz/compare`, { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.match(missing.json<{ error: string }>().error, /^no snapshot zz \(expired, dropped or never taken\); stored: a$/);
    assert.equal((await call(`${app.inspector}/snapshots/zz`, { method: 'DELETE' })).status, 404);
    const text = await call(`${app.inspector}/snapshots/a/compare?top=abc`, { method: 'POST', accept: 'text/plain' });
    assert.equal(text.text, 'error: top must be a whole number from 1 to 1000, got "abc"\n');
  });
});

test('one expensive operation at a time: 409 while a CPU profile runs, and the profile is a .cpuprofile', { timeout: 60_000 }, async () => {
  await withApp('express', [], async (app) => {
    const profile = call(`${app.inspector}/cpu-profile?seconds=2`, { method: 'POST' });
    // Wait until the server says the profile runs, so the next requests surely overlap it.
    for (;;) {
      const m = (await call(app.inspector)).json<{ running: string | null }>();
      if (m.running !== null) {
        assert.match(m.running, /CPU profile/);
        break;
      }
    }
    for (const path of ['/snapshots?key=x', '/cpu-profile?seconds=1', '/heap-snapshot']) {
      const busy = await call(`${app.inspector}${path}`, { method: 'POST' });
      // heap-snapshot is refused first for being off (403); the others are busy.
      if (path === '/heap-snapshot') assert.equal(busy.status, 403);
      else {
        assert.equal(busy.status, 409, `${path}: ${busy.text}`);
        assert.match(busy.json<{ error: string }>().error, /^a 2 s CPU profile is running; one expensive operation at a time/);
      }
    }
    const done = await profile;
    assert.equal(done.status, 200, done.text);
    assert.match(done.headers.get('content-disposition') ?? '', /^attachment; filename="cpu-.*\.cpuprofile"$/);
    const p = done.json<{ nodes: unknown[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }>();
    assert.ok(p.nodes.length > 0 && Array.isArray(p.samples) && p.endTime > p.startTime);
    assert.equal((await call(`${app.inspector}/snapshots?key=x`, { method: 'POST' })).status, 201, 'free again afterwards');
  });
});

test('the snapshot store is bounded (oldest dropped) and snapshots expire after the TTL', { timeout: 60_000 }, async () => {
  await withApp('http', ['--max-snapshots', '2', '--ttl-seconds', '2'], async (app) => {
    for (const key of ['a', 'b']) assert.equal((await call(`${app.inspector}/snapshots?key=${key}`, { method: 'POST' })).status, 201);
    const c = (await call(`${app.inspector}/snapshots?key=c`, { method: 'POST' })).json<{ dropped: string[]; stored: number; limit: number }>();
    assert.deepEqual(c.dropped, ['a']);
    assert.equal(c.stored, 2);
    assert.equal(c.limit, 2);
    assert.equal((await call(`${app.inspector}/snapshots/a/compare`, { method: 'POST' })).status, 404);
    assert.equal((await call(`${app.inspector}/snapshots/b/compare`, { method: 'POST' })).status, 200);
    const del = await call(`${app.inspector}/snapshots/b`, { method: 'DELETE' });
    assert.deepEqual(del.json(), { key: 'b', deleted: true, stored: 1 });
    // Waiting longer than the TTL (a lower bound, not a timing threshold): c is gone.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await call(`${app.inspector}/snapshots/c/compare`, { method: 'POST' })).status, 404);
    assert.deepEqual((await call(app.inspector)).json<{ snapshots: string[] }>().snapshots, []);
  });
});

test('heap snapshots are 403 with the reason unless allowHeapSnapshot, then streamed', { timeout: 120_000 }, async () => {
  await withApp('http', [], async (app) => {
    const off = await call(`${app.inspector}/heap-snapshot`, { method: 'POST' });
    assert.equal(off.status, 403);
    assert.match(off.json<{ error: string }>().error, /^heap snapshots are off: .*pauses the app.*allowHeapSnapshot: true/);
  });
  await withApp('http', ['--allow-heap-snapshot'], async (app) => {
    const on = await call(`${app.inspector}/heap-snapshot`, { method: 'POST' });
    assert.equal(on.status, 200);
    assert.match(on.headers.get('content-disposition') ?? '', /\.heapsnapshot"$/);
    const snapshot = on.json<{ snapshot: { meta: { node_fields: string[] }; node_count: number } }>();
    assert.ok(snapshot.snapshot.meta.node_fields.includes('self_size') && snapshot.snapshot.node_count > 1000);
    assert.equal((await call(`${app.inspector}/snapshots?key=after`, { method: 'POST' })).status, 201, 'the slot is free once streamed');
  });
});
