/**
 * `logsift follow --alert QUERY`: a row of the result fires once per group per crossing, resolves
 * when it is gone, waits for --for, and its events reach --exec and --webhook, rate-limited,
 * without a failing action stopping the follower. Lines are written to a followed file; waits
 * are for conditions, with generous limits, never for fixed times a slow moment could defeat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from './support/cli.js';
import { withTempDir } from './support/temp-dir.js';
import { Follower, killedAfterEach } from './support/follower.js';

const running = killedAfterEach();

const follower = (args: string[]): Follower => running.add(new Follower(args));

const withDir = (): { dir: string; done: () => void } => withTempDir('alerts');

let seq = 0;
/** `n` access lines from `host` with `status`, each distinct. */
function hits(host: string, status: number, n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `${host} - - [02/Dec/2026:10:00:00 +0000] "GET /p${seq++} HTTP/1.1" ${status} 100\n`;
  return text;
}

interface Event {
  state: 'firing' | 'resolved';
  rule: string;
  row: Record<string, unknown>;
  at: string;
}

function events(text: string): Event[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{"state"'))
    .map((l) => JSON.parse(l) as Event);
}

const RULE = 'status >= 500 | count by host | where count > 10';

test('a row fires once per group per crossing and resolves when it leaves the window', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const f = follower(['--alert', RULE, '--window', '1500ms', '--every', '100ms', log]);
    await sleep(300); // the follower starts at the end of the file
    // a.example crosses (12 > 10); b.example stays under (5); errors of other statuses do not count.
    appendFileSync(log, hits('a.example', 500, 12) + hits('b.example', 503, 5) + hits('c.example', 404, 30));
    await f.until('the firing event', () => events(f.stdout).length >= 1);
    // More errors from a.example while it fires: no second event.
    appendFileSync(log, hits('a.example', 500, 5));
    await f.until('the resolution', () => events(f.stdout).some((e) => e.state === 'resolved'));
    // A new crossing fires again.
    appendFileSync(log, hits('a.example', 502, 11));
    await f.until('the second firing', () => events(f.stdout).filter((e) => e.state === 'firing').length >= 2);
    const { code, stdout } = await f.stop();
    assert.equal(code, 0);
    const seen = events(stdout).slice(0, 3);
    assert.deepEqual(
      seen.map((e) => [e.state, e.row['host']]),
      [
        ['firing', 'a.example'],
        ['resolved', 'a.example'],
        ['firing', 'a.example'],
      ],
    );
    assert.equal(seen[0]!.rule, RULE);
    assert.equal(seen[0]!.row['count'], 12);
    assert.ok(!Number.isNaN(Date.parse(seen[0]!.at)));
    assert.ok(!events(stdout).some((e) => e.row['host'] !== 'a.example'), 'no other host crossed');
  } finally {
    done();
  }
});

test('--for: a row that goes away sooner never fires; one that holds fires once, after --for', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const rule = 'status >= 500 | count by host | where count > 2';
    const f = follower(['--alert', rule, '--window', '600ms', '--every', '100ms', '--for', '3s', '-e', 'count', '--every', '100ms', log]);
    await sleep(300);
    // short.example is in the window for about 600 ms: far less than --for.
    appendFileSync(log, hits('short.example', 500, 5));
    // steady.example keeps erring for 5 s: it holds past --for.
    const started = Date.now();
    while (Date.now() - started < 5000) {
      appendFileSync(log, hits('steady.example', 500, 3));
      await sleep(100);
    }
    await f.until('the firing of steady.example', () => events(f.stdout).some((e) => e.state === 'firing'), 60_000);
    const { stdout } = await f.stop();
    const fired = events(stdout).filter((e) => e.state === 'firing');
    assert.deepEqual(fired.map((e) => e.row['host']), ['steady.example']);
    assert.ok(Date.parse(fired[0]!.at) - started >= 3000, 'fired only after holding for --for');
  } finally {
    done();
  }
});

test('--exec gets each event as JSON on stdin; a failing --exec is said and following goes on', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    const got = join(dir, 'events.ndjson');
    writeFileSync(log, '');
    const f = follower(['--alert', RULE, '--every', '100ms', '--exec', `cat >> '${got}'`, '-e', 'status == 404', log]);
    await sleep(300);
    appendFileSync(log, hits('a.example', 500, 11));
    await f.until('the --exec output', () => existsSync(got) && events(readFileSync(got, 'utf8')).length === 1);
    const event = events(readFileSync(got, 'utf8'))[0]!;
    assert.equal(event.state, 'firing');
    assert.equal(event.row['host'], 'a.example');
    await f.stop();

    writeFileSync(log, '');
    const failing = follower(['--alert', RULE, '--every', '100ms', '--exec', 'exit 3', '-e', 'status == 404', log]);
    await sleep(300);
    appendFileSync(log, hits('b.example', 500, 11));
    await failing.until('the failure line', () => /alert action failed: --exec exit 3: exit status 3/.test(failing.stderr));
    // Still following: later lines still come out.
    appendFileSync(log, hits('c.example', 404, 2));
    await failing.until('lines after the failure', () => (failing.stdout.match(/c\.example/g) ?? []).length === 2);
    const { code } = await failing.stop();
    assert.equal(code, 0);
  } finally {
    done();
  }
});

test('actions are rate-limited: past --max-actions a minute events are counted, not run', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    const got = join(dir, 'events.ndjson');
    writeFileSync(log, '');
    const f = follower(['--alert', RULE, '--every', '100ms', '--max-actions', '2', '--exec', `cat >> '${got}'`, log]);
    await sleep(300);
    appendFileSync(log, ['h1', 'h2', 'h3', 'h4', 'h5'].map((h) => hits(`${h}.example`, 500, 11)).join(''));
    await f.until('five firing events on stdout', () => events(f.stdout).length === 5);
    await f.until('two actions run', () => existsSync(got) && events(readFileSync(got, 'utf8')).length === 2);
    const { stderr } = await f.stop();
    assert.match(stderr, /3 alert action\(s\) not run: more than 2 in a minute \(--max-actions\)/);
    assert.equal(events(readFileSync(got, 'utf8')).length, 2, 'no third action ran');
  } finally {
    done();
  }
});

test('--webhook POSTs each event as JSON to a real HTTP server', async () => {
  const { dir, done } = withDir();
  const bodies: { type: string | undefined; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      bodies.push({ type: req.headers['content-type'], body });
      res.writeHead(bodies.length === 1 ? 204 : 500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const f = follower(['--alert', RULE, '--window', '1s', '--every', '100ms', '--webhook', `http://127.0.0.1:${port}/hook`, log]);
    await sleep(300);
    appendFileSync(log, hits('a.example', 500, 11));
    await f.until('the firing POST', () => bodies.length >= 1);
    await f.until('the resolved POST', () => bodies.length >= 2);
    // The server answered 500 to the second: said on stderr.
    await f.until('the failure line', () => /alert action failed: --webhook http:\/\/127\.0\.0\.1:\d+\/hook: HTTP 500/.test(f.stderr));
    await f.stop();
    assert.equal(bodies[0]!.type, 'application/json');
    const [first, second] = bodies.map((b) => JSON.parse(b.body) as Event);
    assert.deepEqual([first!.state, first!.row['host'], second!.state], ['firing', 'a.example', 'resolved']);
  } finally {
    server.close();
    done();
  }
});

test('alert mistakes are one line and exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['follow', '--alert', 'status >= 500', 'x.log'], /an alert is an aggregate whose rows are the firing alerts/],
    [['follow', '--exec', 'true', 'status >= 500', 'x.log'], /--for, --exec and --webhook belong to an --alert QUERY/],
    [['follow', '--alert', RULE, '--webhook', 'ftp://example.com/x', 'x.log'], /expected an http:\/\/ or https:\/\/ URL/],
    [['follow', '--alert', RULE, '--for', 'soon', 'x.log'], /expected a duration/],
    // --for 0s and 0ms are zero, as 0 is: the next mistake is the one reported.
    [['follow', '--alert', RULE, '--for', '0s', '--webhook', 'ftp://example.com/x', 'x.log'], /expected an http:\/\/ or https:\/\/ URL/],
    [['follow', '--alert', RULE, '--for', '0ms', '--webhook', 'ftp://example.com/x', 'x.log'], /expected an http:\/\/ or https:\/\/ URL/],
  ];
  for (const [args, message] of cases) {
    const r = runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
