import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cliPath, projectRoot } from './support/cli.js';
import { startApp, TOKEN } from './support/inspector-app.js';

/**
 * `logsift inspect URL ...` as a user runs it (node dist/logsift.mjs in a child process) against a
 * real app: each action's output, and mistakes as one line with an exit code.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Asynchronous, so the test's own event loop keeps running while the CLI waits for answers. */
function logsift(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, env: { ...process.env, LOGSIFT_INSPECT_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on: one the system handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('logsift inspect: snapshot, compare, memory, trend, delete and watch against a running app', { timeout: 120_000 }, async () => {
  const app = await startApp('express', ['--strings', '1000', '--trend-interval', '100', '--full-gc-after', '100']);
  try {
    const snap = await logsift(['inspect', app.origin, '--token', TOKEN, 'snapshot', 'before']);
    assert.equal(snap.code, 0, snap.stderr);
    assert.match(snap.stdout, /^snapshot before taken at \d{4}-\d\d-\d\dT.*: heap used [\d.]+ MiB, external .*; 1 of 8 stored\n$/);
    for (let i = 0; i < 5; i++) await fetch(`${app.origin}/leak`).then((r) => r.text());
    const compare = await logsift(['inspect', app.origin, '--token', TOKEN, 'compare', 'before', '--top', '3']);
    assert.equal(compare.code, 0, compare.stderr);
    const rows = compare.stdout.split('\n');
    assert.match(rows[0]!, /^since snapshot before \(.*\): heap used \+[\d.]+ MiB/);
    assert.match(rows[2]!, /^ *size diff +size +count diff +function +where$/);
    assert.match(rows[3]!, /^ *\+[\d.]+ MiB +[\d.]+ MiB +\+[\d,]+ +leakyRoute +.*test\/fixtures\/inspector\/app\.mjs:\d+$/);
    assert.ok(rows.filter((r) => r.trim() !== '').length <= 3 + 3);

    const json = await logsift(['inspect', `${app.inspector}/`, 'compare', 'before', '--json', '--top', '1'], { LOGSIFT_INSPECT_TOKEN: TOKEN });
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { diffs: { function: string }[] };
    assert.equal(parsed.diffs.length, 1);
    assert.equal(parsed.diffs[0]!.function, 'leakyRoute');

    const memory = await logsift(['inspect', app.origin, '--token', TOKEN, 'memory']);
    assert.equal(memory.code, 0, memory.stderr);
    assert.match(memory.stdout, /^memory\nheap used +[\d.]+ MiB\n/);
    assert.match(memory.stdout, /^snapshots: before$/m);
    assert.match(memory.stdout, /^gc +count +pause$/m);

    const trend = await logsift(['inspect', app.origin, '--token', TOKEN, 'trend']);
    assert.equal(trend.code, 0, trend.stderr);
    assert.match(trend.stdout, /^after GC .*\nrss +.*\ntrend: (growing|stable|unknown), /);

    const watch = await logsift(['inspect', app.origin, '--token', TOKEN, 'watch', '--count', '2', '--interval', '0.2']);
    assert.equal(watch.code, 0, watch.stderr);
    const frames = watch.stdout.split('\n\n');
    assert.equal(frames.length, 2, watch.stdout);
    for (const f of frames) assert.match(f, /^\d{4}-.*heap used .*, rss .*\nafter GC [▁▂▃▄▅▆▇█ ]* ?.*\nrss +.*\ntrend: \w+/);

    const del = await logsift(['inspect', app.origin, '--token', TOKEN, 'delete', 'before']);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(del.stdout, 'deleted snapshot before; 0 stored\n');
    const gone = await logsift(['inspect', app.origin, '--token', TOKEN, 'compare', 'before']);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, 'logsift: inspect: POST /debug/memory/snapshots/before/compare: 404 no snapshot before (expired, dropped or never taken); stored: none\n');
  } finally {
    await app.stop();
  }
});

test('logsift inspect: a missing or wrong token, a refused connection and usage mistakes are one line with an exit code', { timeout: 60_000 }, async () => {
  const app = await startApp('http');
  try {
    const none = await logsift(['inspect', app.origin, 'memory']);
    assert.equal(none.code, 1);
    assert.equal(none.stderr, 'logsift: inspect: GET /debug/memory: 401 missing Authorization: Bearer TOKEN (give --token or set LOGSIFT_INSPECT_TOKEN)\n');
    const wrong = await logsift(['inspect', app.origin, '--token', 'not-the-token-at-all', 'snapshot', 'a']);
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'logsift: inspect: POST /debug/memory/snapshots: 403 wrong token\n');
    const notInspector = await logsift(['inspect', `${app.origin}/hello`, '--token', TOKEN, 'memory']);
    assert.equal(notInspector.code, 1);
    assert.equal(notInspector.stderr, `logsift: inspect: /hello did not answer JSON: is ${app.origin}/hello a logsift inspector?\n`);
  } finally {
    await app.stop();
  }
  const port = await closedPort();
  const refused = await logsift(['inspect', `http://127.0.0.1:${port}`, '--token', TOKEN, 'memory']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `logsift: inspect: cannot reach http://127.0.0.1:${port}: connection refused (is the app running, on that port?)\n`);
  for (const [args, message] of [
    [['inspect', 'not a url', 'memory'], /^logsift: inspect: "not a url" is not a URL/],
    [['inspect', 'http://127.0.0.1:1', 'frobnicate'], /^logsift: inspect: unknown action 'frobnicate'; use snapshot, compare, delete, memory, trend, watch\n$/],
    [['inspect', 'http://127.0.0.1:1', 'compare'], /^logsift: inspect: compare needs a snapshot key/],
    [['inspect', 'http://127.0.0.1:1', 'memory', 'extra'], /^logsift: inspect: memory takes no key/],
    [['inspect', 'http://127.0.0.1:1', 'watch', '--count', '0'], /^logsift: .*--count.*positive whole number/],
    [['inspect'], /^logsift: missing required argument 'url'\n$/],
  ] as const) {
    const r = await logsift(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
});
