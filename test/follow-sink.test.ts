/**
 * A sink blocked for seconds across rotations: the follower's standard output is a pipe nobody
 * reads for a while (the pipe fills, the output queue reaches its high-water mark, and the
 * follower stops reading: backpressure), while the writer goes on and rotates. Afterwards every
 * line must arrive exactly once: a renamed file is not closed while its lines wait, and new
 * files are not missed because the follower was waiting on its output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Follower, lines, lostAndDoubled, numbered, ranges, tally, killedAfterEach } from './support/follower.js';
import { withTempDir } from './support/temp-dir.js';

const running = killedAfterEach();

/**
 * Lines per file while the output is blocked: the first rotations come before the output queue's
 * 4 MiB (and the pipe's buffer) are full, the later ones while the follower waits on its output.
 */
/** How long nobody reads the follower's output ("for seconds"; the scenario, not a threshold). */
const BLOCKED_MS = 3000;

async function blockedAcross(rotations: number, per: number): Promise<void> {
  const { dir, done } = withTempDir('follow-sink');
  const log = join(dir, 'app.log');
  try {
    let fd = openSync(log, 'a');
    // A plain path (no glob): a renamed file is reachable only through the descriptor the follower holds.
    const f = new Follower(['--from', 'start', '--rotate-wait', '200ms', '', log]);
    running.add(f);
    writeSync(fd, numbered(0) + '\n');
    await f.until('line 0', () => f.stdout.includes(numbered(0)));
    f.child.stdout!.pause();
    const blockedAt = Date.now();
    let next = 1;
    for (let r = 0; r <= rotations; r++) {
      for (let k = 0; k < per; k += 2000) {
        writeSync(fd, lines(next, next + 2000));
        next += 2000;
        await sleep(5);
      }
      if (r === rotations) break;
      renameSync(log, `${log}.${r + 1}`);
      writeSync(fd, lines(next, next + 40)); // the writer's old descriptor, a moment after the rename
      next += 40;
      const old = fd;
      fd = openSync(log, 'a');
      closeSync(old);
      await sleep(BLOCKED_MS / (rotations + 1));
    }
    closeSync(fd);
    const total = next;
    await sleep(Math.max(0, BLOCKED_MS - (Date.now() - blockedAt)));
    f.child.stdout!.resume();
    await f.until(`all ${total} lines`, () => tally(f.stdout).counts.size >= total, 120_000).catch((error: Error) => {
      throw new Error(`${error.message}; lost: ${ranges(lostAndDoubled(tally(f.stdout).counts, total).lost)}`);
    });
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    const { counts, strange } = tally(r.stdout);
    const { lost, doubled } = lostAndDoubled(counts, total);
    assert.deepEqual(strange, [], 'no fragments or foreign lines');
    assert.equal(ranges(lost), '', 'lost lines');
    assert.equal(ranges(doubled), '', 'doubled lines');
  } finally {
    done();
  }
}

test('output unread for seconds across a rename rotation (rotate-wait far shorter): every line exactly once afterwards', () => blockedAcross(1, 80_000));

test('output unread for seconds across six rename rotations: no file is missed while the follower waits on its output', () => blockedAcross(6, 30_000));
