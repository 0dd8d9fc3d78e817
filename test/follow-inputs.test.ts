/**
 * `logsift follow` on inputs other than a plain growing file: standard input read live, a FIFO
 * with several writers in turn, paths that do not exist yet (created the moment the follower
 * says it waits), and files whose permissions change. Every check compares numbered lines with
 * what was written; waits are for conditions, never fixed times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Follower, lines, lostAndDoubled, numbered, ranges, tally, killedAfterEach } from './support/follower.js';
import { withTempDir } from './support/temp-dir.js';

const running = killedAfterEach();

const follower = (args: string[], options: ConstructorParameters<typeof Follower>[1] = {}): Follower => running.add(new Follower(args, options));

const withDir = (): { dir: string; done: () => void } => withTempDir('follow-in');

const seen = (f: Follower): number => tally(f.stdout).counts.size;

function assertExactlyOnce(output: string, total: number): void {
  const { counts, strange } = tally(output);
  const { lost, doubled } = lostAndDoubled(counts, total);
  assert.deepEqual(strange, [], 'no fragments or foreign lines');
  assert.equal(ranges(lost), '', 'lost lines');
  assert.equal(ranges(doubled), '', 'doubled lines');
}

test('standard input is followed live: lines arrive while it is still open, and the end of input ends following (exit 0)', async () => {
  const f = follower(['', '-'], { stdin: 'pipe' });
  const stdin = f.child.stdin!;
  for (let part = 0; part < 5; part++) {
    stdin.write(lines(part * 100, part * 100 + 100));
    // Each part must come out before the next is written: the input is read as it comes, not at its end.
    await f.until(`part ${part}`, () => seen(f) >= part * 100 + 100);
  }
  stdin.end(numbered(500)); // a last line without its newline
  const r = await f.exit();
  assert.equal(r.code, 0, r.stderr);
  assertExactlyOnce(r.stdout, 501);
  assert.ok(r.stdout.endsWith(numbered(500) + '\n'));
});

test('a FIFO is followed across writers, each read as it writes; SIGTERM while no writer is connected ends following (exit 0)', { timeout: 120_000 }, async () => {
  const { dir, done } = withDir();
  const fifo = join(dir, 'app.fifo');
  try {
    execFileSync('mkfifo', [fifo]);
    const f = follower(['', fifo]);
    let next = 0;
    for (let writer = 0; writer < 3; writer++) {
      // Opening for writing waits (on the thread pool) until the follower has the FIFO open for reading.
      const fh = await open(fifo, 'w');
      for (let k = 0; k < 4; k++) {
        await fh.write(lines(next, next + 50));
        next += 50;
        await f.until(`writer ${writer}, part ${k}`, () => seen(f) >= next);
      }
      // A last line without its newline: the end of its writer completes it.
      await fh.write(numbered(next));
      next++;
      await fh.close();
      await f.until(`writer ${writer}'s last line`, () => seen(f) >= next);
    }
    const r = await f.stop('SIGTERM');
    assert.equal(r.code, 0, r.stderr);
    assertExactlyOnce(r.stdout, next);
  } finally {
    done();
  }
});

test('paths that do not exist yet, created the moment the follower says it waits for them: each is read from its start', async () => {
  // The note is printed before the follower's first look: a file created in between was once
  // taken for a file there at start and read from its end, so its first lines were lost.
  const { dir, done } = withDir();
  const paths = Array.from({ length: 20 }, (_, i) => join(dir, `later-${i}.log`));
  try {
    const f = follower(['', ...paths]);
    await f.until('the first waiting note', () => f.stderr.includes('does not exist yet'));
    paths.forEach((p, i) => writeFileSync(p, lines(i * 10, i * 10 + 10)));
    await f.until('every line', () => seen(f) >= 200, 30_000).catch((error: Error) => {
      const { lost } = lostAndDoubled(tally(f.stdout).counts, 200);
      throw new Error(`${error.message}; lost: ${ranges(lost)}`);
    });
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    assertExactlyOnce(r.stdout, 200);
    assert.equal(r.stderr.match(/does not exist yet/g)?.length, 20, r.stderr);
  } finally {
    done();
  }
});

/** An unprivileged user to run the follower as (root reads files whatever their mode), or null. */
function unprivileged(): number | null {
  if (process.getuid?.() !== 0) return process.getuid?.() ?? null;
  try {
    execFileSync(process.execPath, ['-e', ''], { uid: 65534, gid: 65534 });
    return 65534;
  } catch {
    return null;
  }
}

test('permission changes: a followed file made unreadable is read on through its open descriptor; a rotated-in file that cannot be opened is named once on stderr, and read from its start once it can be', async (t) => {
  const uid = unprivileged();
  if (uid === null) {
    t.skip('running as root and no unprivileged user can run node here: chmod does not keep root from reading, so nothing meaningful to test');
    return;
  }
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    chownSync(dir, uid, uid);
    writeFileSync(log, lines(0, 10));
    chownSync(log, uid, uid);
    const f = follower(['--from', 'start', '--rotate-wait', '300ms', '', log], { uid, gid: uid });
    await f.until('the first lines', () => seen(f) >= 10);
    // Unreadable now, but the follower's descriptor was opened before: appends still arrive.
    chmodSync(log, 0o000);
    writeFileSync(log, lines(10, 20), { flag: 'a' });
    await f.until('lines appended after chmod 000', () => seen(f) >= 20);
    // Rotation: the new file cannot be opened by the follower.
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(20, 30), { mode: 0o000 });
    chmodSync(log, 0o000); // the umask may not have applied 0 bits only
    chownSync(log, 0, 0);
    await f.until('a warning naming the unreadable file', () => f.stderr.includes(log));
    // Several polls go by: the warning is not repeated, and the follower keeps running.
    await sleep(1500);
    assert.equal(f.stderr.split('\n').filter((l) => l.includes(log)).length, 1, f.stderr);
    chmodSync(log, 0o644);
    await f.until("the new file's lines once it can be read", () => seen(f) >= 30);
    writeFileSync(log, lines(30, 40), { flag: 'a' });
    await f.until('lines appended after that', () => seen(f) >= 40);
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 1, 'an input failed along the way: exit 1');
    assertExactlyOnce(r.stdout, 40);
  } finally {
    done();
  }
});
