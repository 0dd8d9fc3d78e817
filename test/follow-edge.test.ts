/**
 * Cases of issue 11 that a steady writer never produces: things that happen while the follower
 * cannot look. The follower is frozen with SIGSTOP (the kernel keeps its watch events queued, its
 * timers do not run) or stopped with a checkpoint, the files are changed, and it goes on: a
 * truncation followed by growth past the old read position, an inode reused by a new file, and
 * tens of thousands of watch events (more than the kernel's inotify queue holds). Every check is
 * numbered lines against what was written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, copyFileSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Follower, lines, lostAndDoubled, ranges, tally, killedAfterEach } from './support/follower.js';
import { withTempDir } from './support/temp-dir.js';

const running = killedAfterEach();

const follower = (args: string[]): Follower => running.add(new Follower(args));

const withDir = (): { dir: string; done: () => void } => withTempDir('follow-edge');

const seen = (f: Follower): number => tally(f.stdout).counts.size;

async function untilAll(f: Follower, total: number, from = 0): Promise<void> {
  await f.until(`all ${total} lines`, () => seen(f) >= total - from).catch((error: Error) => {
    const { lost } = lostAndDoubled(tally(f.stdout).counts, total);
    throw new Error(`${error.message}; lost: ${ranges(lost.filter((n) => n >= from))}`);
  });
}

function assertLines(output: string, from: number, to: number): void {
  const { counts, strange } = tally(output);
  assert.deepEqual(strange, [], 'no fragments or foreign lines');
  const { lost, doubled } = lostAndDoubled(counts, to);
  assert.equal(ranges(lost.filter((n) => n >= from)), '', 'lost lines');
  assert.equal(ranges(doubled), '', 'doubled lines');
  assert.equal([...counts.keys()].filter((n) => n < from || n >= to).length, 0, 'lines that were not written where they were read');
}

/**
 * Runs `change` while the follower is frozen: it cannot look, read or poll until SIGCONT, so
 * whatever `change` does all happens "between two looks", whatever the machine's load.
 */
async function whileFrozen(f: Follower, change: () => void | Promise<void>): Promise<void> {
  f.child.kill('SIGSTOP');
  try {
    await change();
  } finally {
    f.child.kill('SIGCONT');
  }
}

test('truncation, then growth past the old read position, all between two looks: told by the changed first bytes; no new line lost, no old line doubled', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    writeFileSync(log, lines(0, 20));
    const f = follower(['--from', 'start', '', log]);
    await untilAll(f, 20);
    const oldSize = statSync(log).size;
    await whileFrozen(f, () => {
      const fd = openSync(log, 'r+');
      ftruncateSync(fd, 0);
      writeSync(fd, lines(20, 80), 0); // three times as long: the size alone says "grown"
      closeSync(fd);
      assert.ok(statSync(log).size > oldSize);
    });
    await untilAll(f, 80);
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    assertLines(r.stdout, 0, 80);
  } finally {
    done();
  }
});

test('copytruncate with lines appended before the copy, then growth past the old position, all between two looks: the copy supplies the lines after the last read, the new content comes from its start', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    writeFileSync(log, lines(0, 20));
    const f = follower(['--from', 'start', '', `${log}*`]);
    await untilAll(f, 20);
    await whileFrozen(f, () => {
      appendFileSync(log, lines(20, 40)); // not read yet: only the copy will hold them
      copyFileSync(log, `${log}.1`);
      const fd = openSync(log, 'r+');
      ftruncateSync(fd, 0);
      writeSync(fd, lines(40, 140), 0);
      closeSync(fd);
    });
    await untilAll(f, 140);
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    assertLines(r.stdout, 0, 140);
  } finally {
    done();
  }
});

/**
 * Deletes `path` and creates a new file with `content` in the same directory until one gets the
 * deleted file's inode (ext4 and tmpfs hand a freed inode out again at once); returns whether
 * that happened. The files tried on the way are kept open meanwhile, so each try gets another inode.
 */
function recreateOnSameInode(path: string, content: string, attempts = 200): boolean {
  const ino = statSync(path).ino;
  unlinkSync(path);
  const tried: string[] = [];
  try {
    for (let i = 0; i < attempts; i++) {
      const candidate = `${path}.try${i}`;
      writeFileSync(candidate, content);
      if (statSync(candidate).ino === ino) {
        renameSync(candidate, path); // a rename keeps the inode
        return true;
      }
      tried.push(candidate);
    }
    renameSync(tried.pop()!, path);
    return false;
  } finally {
    for (const t of tried) unlinkSync(t);
  }
}

test('inode reuse while stopped: a new file on the deleted file\'s inode is told apart by its first bytes and read from its start', async (t) => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  const checkpoint = join(dir, 'state.json');
  try {
    writeFileSync(log, lines(0, 30));
    const first = follower(['--checkpoint', checkpoint, '--from', 'start', '', log]);
    await untilAll(first, 30);
    const r1 = await first.stop('SIGTERM');
    assert.equal(r1.code, 0, r1.stderr);
    assertLines(r1.stdout, 0, 30);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { files: { ino: string; offset: number }[] };
    assert.equal(saved.files.length, 1);
    assert.equal(saved.files[0]!.offset, statSync(log).size);
    // Longer than the old offset: a follower going by device and inode alone would resume in its middle.
    const reused = recreateOnSameInode(log, lines(100, 200));
    if (!reused) {
      t.skip(`the filesystem under ${dir} did not hand the deleted inode out again in 200 tries: inode reuse not tested`);
      return;
    }
    assert.equal(String(statSync(log).ino), saved.files[0]!.ino, 'the new file has the old inode');
    const second = follower(['--checkpoint', checkpoint, '', log]);
    await untilAll(second, 200, 100);
    await sleep(300);
    const r2 = await second.stop('SIGTERM');
    assert.equal(r2.code, 0, r2.stderr);
    assertLines(r2.stdout, 100, 200);
  } finally {
    done();
  }
});

/** The kernel's inotify queue length: past it, events are dropped (libuv drops the overflow note too). */
function inotifyQueue(): number | null {
  try {
    return Number(readFileSync('/proc/sys/fs/inotify/max_queued_events', 'utf8').trim());
  } catch {
    return null;
  }
}

test('a watch queue overflow: tens of thousands of events while the follower cannot read them, new files among them; the poll finds everything, once', async (t) => {
  const { dir, done } = withDir();
  const FILES = 10;
  const APPENDS = 4000; // per file, alternating between files so the kernel cannot merge them
  try {
    let next = 0;
    const fds: number[] = [];
    for (let i = 0; i < FILES; i++) {
      writeFileSync(join(dir, `f${i}.log`), lines(next, next + 1));
      next++;
      fds.push(openSync(join(dir, `f${i}.log`), 'a'));
    }
    const f = follower(['--from', 'start', '--poll', '500ms', '', dir]);
    await untilAll(f, next);
    let events = 0;
    await whileFrozen(f, () => {
      for (let k = 0; k < APPENDS; k++) {
        for (const fd of fds) {
          writeSync(fd, lines(next, next + 1));
          next++;
          events++;
        }
      }
      // New files whose creation events are lost in the overflow: only a look finds them.
      for (let i = 0; i < 20; i++) {
        writeFileSync(join(dir, `new${i}.log`), lines(next, next + 5));
        next += 5;
        events += 3;
      }
    });
    for (const fd of fds) closeSync(fd);
    const queue = inotifyQueue();
    if (queue !== null) assert.ok(events > queue, `${events} events must be more than the inotify queue's ${queue}`);
    t.diagnostic(`${events} watch events while frozen; inotify queue: ${queue ?? 'unknown'}`);
    await untilAll(f, next);
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    assertLines(r.stdout, 0, next);
  } finally {
    done();
  }
});

test('copytruncate whose copy is first seen after a restart: the checkpoint kept what was delivered of the truncated content, and the copy goes on from there', async () => {
  // The copy is made outside the followed paths and moved in while the follower is stopped: the
  // state a restart right after a copytruncate leaves (truncation seen, copy not yet).
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  const aside = join(dir, 'aside.1');
  const checkpoint = join(dir, 'state.json');
  try {
    writeFileSync(log, lines(0, 20));
    const first = follower(['--checkpoint', checkpoint, '--from', 'start', '', `${log}*`]);
    await untilAll(first, 20);
    await whileFrozen(first, () => {
      appendFileSync(log, lines(20, 30)); // not read: only the copy holds them
      copyFileSync(log, aside);
      const fd = openSync(log, 'r+');
      ftruncateSync(fd, 0);
      closeSync(fd);
    });
    // Once the truncation is seen, the checkpoint lists what was delivered of the old content.
    await first.until('the truncated content in the checkpoint', () => {
      try {
        return (JSON.parse(readFileSync(checkpoint, 'utf8')) as { files: unknown[] }).files.length === 2;
      } catch {
        return false;
      }
    });
    const r1 = await first.stop('SIGTERM');
    assert.equal(r1.code, 0, r1.stderr);
    assertLines(r1.stdout, 0, 20);
    renameSync(aside, `${log}.1`);
    appendFileSync(log, lines(30, 40));
    const second = follower(['--checkpoint', checkpoint, '', `${log}*`]);
    await untilAll(second, 40, 20);
    await sleep(300);
    const r2 = await second.stop('SIGTERM');
    assert.equal(r2.code, 0, r2.stderr);
    assertLines(r2.stdout, 20, 40);
  } finally {
    done();
  }
});

/** The paths the follower's process has open (Linux /proc), or null where that cannot be seen. */
function openPaths(f: Follower): string[] | null {
  const dir = `/proc/${f.child.pid}/fd`;
  if (!existsSync(dir)) return null;
  const paths: string[] = [];
  for (const fd of readdirSync(dir)) {
    try {
      paths.push(readlinkSync(join(dir, fd)));
    } catch {
      // closed meanwhile
    }
  }
  return paths;
}

test('a file renamed away while still empty is closed once idle for --rotate-wait, like any rotated file', async (t) => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    writeFileSync(log, lines(0, 5));
    const f = follower(['--from', 'start', '--rotate-wait', '200ms', '', log]);
    await untilAll(f, 5);
    if (openPaths(f) === null) {
      t.skip('no /proc here: the open descriptors cannot be seen');
      return;
    }
    // rename + create, twice: the first new file is renamed away before anything was written to it.
    renameSync(log, `${log}.1`);
    writeFileSync(log, '');
    await f.until('the empty new file opened', () => openPaths(f)!.includes(log));
    renameSync(log, `${log}.2`);
    writeFileSync(log, lines(5, 10));
    await untilAll(f, 10);
    await f.until('the empty rotated file closed', () => !openPaths(f)!.some((p) => p.startsWith(`${log}.2`)), 30_000);
    await f.until('the drained rotated file closed', () => !openPaths(f)!.some((p) => p.startsWith(`${log}.1`)), 30_000);
    const r = await f.stop();
    assert.equal(r.code, 0, r.stderr);
    assertLines(r.stdout, 0, 10);
  } finally {
    done();
  }
});
