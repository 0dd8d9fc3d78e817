/**
 * The rotation harness of issue 11: a writer appends numbered lines quickly (bursts of 20 lines,
 * about 10k lines a second) and rotates the log N times; the follower's output, line by line,
 * must hold every line written exactly once: 0 lost, 0 doubled. Conditions are waited for, never
 * fixed times: the machine is shared.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, ftruncateSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Follower, lostAndDoubled, numbered, ranges, tally, killedAfterEach } from './support/follower.js';

// LOGSIFT_FOLLOW_ROTATIONS raises it for a longer run (the 100: about 10 s per kind).
const ROTATIONS = Number(process.env['LOGSIFT_FOLLOW_ROTATIONS'] ?? 20);
const LINES_PER_ROTATION = 500;
/**
 * Lines between two renames: each file lives ~100 ms under the followed name, and at least until
 * the follower printed its first line. A file created and renamed away again before the
 * follower's next look (watch event or poll) is never seen, whatever the follower does.
 */
const LINES_PER_RENAME = 1500;
const BURST = 20;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'logsift-follow-rot-'));
}

/** Writes lines [from, to) to `fd` in bursts, pausing a millisecond between bursts. */
async function writeLines(fd: number, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n += BURST) {
    let text = '';
    for (let k = n; k < Math.min(to, n + BURST); k++) text += numbered(k) + '\n';
    writeSync(fd, text);
    await sleep(1);
  }
}

/** Starts following, writes line 0, and waits until the follower printed it (so it is reading). */
async function started(args: string[], fd: number): Promise<Follower> {
  // From the start: the follower may only look after line 0 was written.
  const follower = new Follower(['--from', 'start', ...args]);
  running.add(follower);
  writeSync(fd, numbered(0) + '\n');
  await follower.until('line 0', () => follower.stdout.includes(numbered(0)));
  return follower;
}

/** Followers still running when a test fails are killed, so the run ends. */
const running = killedAfterEach();

async function verify(t: TestContext, follower: Follower, total: number): Promise<void> {
  try {
    await follower.until(`all ${total} lines`, () => tally(follower.stdout).counts.size >= total, 30_000);
  } catch (error) {
    const { lost } = lostAndDoubled(tally(follower.stdout).counts, total);
    throw new Error(`${(error as Error).message}; lost ${lost.length}: ${ranges(lost)}`);
  }
  // A little longer, so a duplicate on its way would show too; then a clean stop.
  await sleep(300);
  const { code, stdout, stderr } = await follower.stop('SIGTERM');
  assert.equal(code, 0, stderr);
  const { counts, strange } = tally(stdout);
  const { lost, doubled } = lostAndDoubled(counts, total);
  assert.deepEqual(strange, [], 'no fragments or foreign lines');
  assert.equal(ranges(lost), '', 'lost lines');
  assert.equal(ranges(doubled), '', 'doubled lines');
  assert.equal(counts.size, total);
  t.diagnostic(`${total} lines written, ${counts.size} delivered: 0 lost, 0 doubled`);
}

test(`rename + create, ${ROTATIONS} rotations at ~10k lines/s, the writer keeping its old descriptor a few ms: 0 lost, 0 doubled`, async (t) => {
  const dir = tempDir();
  const log = join(dir, 'app.log');
  try {
    let fd = openSync(log, 'a');
    const follower = await started(['--rotate-wait', '300ms', '', log], fd);
    let next = 1;
    let first = 0; // the first line of the file under the followed name now
    for (let r = 0; r < ROTATIONS; r++) {
      await writeLines(fd, next, next + LINES_PER_RENAME);
      next += LINES_PER_RENAME;
      // Not renamed before the follower has seen this file: one renamed away unseen is beyond any
      // follower of a plain path (under heavy load a ~100 ms lifetime was not always enough).
      // The writer goes on appending meanwhile.
      const deadline = Date.now() + 60_000;
      while (!follower.stdout.includes(numbered(first)) && Date.now() < deadline) {
        await writeLines(fd, next, next + BURST);
        next += BURST;
      }
      renameSync(log, `${log}.1`); // replaces the last rotated file, which may still be draining
      // The writer has not noticed yet: a few more lines go to the renamed file.
      await writeLines(fd, next, next + 2 * BURST);
      next += 2 * BURST;
      await sleep(3);
      const old = fd;
      fd = openSync(log, 'a');
      closeSync(old);
      first = next;
    }
    await writeLines(fd, next, next + LINES_PER_ROTATION);
    next += LINES_PER_ROTATION;
    closeSync(fd);
    await verify(t, follower, next);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`copytruncate, ${ROTATIONS} rotations at ~10k lines/s, copies among the followed paths: 0 lost, 0 doubled`, async (t) => {
  const dir = tempDir();
  const log = join(dir, 'app.log');
  try {
    // O_APPEND: after the truncation the writer's next line lands at offset 0, as a logger's would.
    const fd = openSync(log, 'a');
    const follower = await started(['', `${log}*`], fd);
    let next = 1;
    for (let r = 0; r < ROTATIONS; r++) {
      await writeLines(fd, next, next + LINES_PER_ROTATION);
      next += LINES_PER_ROTATION;
      // logrotate's copytruncate: copy, then truncate in place (nothing written in between here,
      // so everything written is on disk; lines read before the copy must not come again).
      copyFileSync(log, `${log}.${r + 1}`);
      ftruncateSync(fd, 0);
    }
    await writeLines(fd, next, next + LINES_PER_ROTATION);
    next += LINES_PER_ROTATION;
    closeSync(fd);
    await verify(t, follower, next);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
