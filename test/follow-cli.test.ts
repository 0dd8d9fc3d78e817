/**
 * `logsift follow` end to end: restarts with a checkpoint deliver every line exactly once, a
 * truncated file that grew past the old offset between two looks is read again from its start, a
 * path that does not exist yet is waited for, an unfinished last line is emitted once completed,
 * standard input is read to its end, and an aggregate prints its final result on SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { runCli } from './support/cli.js';
import { Follower, lostAndDoubled, numbered, tally, killedAfterEach } from './support/follower.js';

const running = killedAfterEach();

const follower = (args: string[]): Follower => running.add(new Follower(args));

function withDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-follow-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

function lines(from: number, to: number): string {
  let text = '';
  for (let n = from; n < to; n++) text += numbered(n) + '\n';
  return text;
}

const seen = (f: Follower): number => tally(f.stdout).counts.size;

test('stopped by SIGTERM three times and restarted with --checkpoint, while the writer appends and rotates: every line exactly once', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  const checkpoint = join(dir, 'state.json');
  try {
    let fd = openSync(log, 'a');
    let next = 0;
    let writing = true;
    let rotations = 0;
    // The writer: bursts of 20 lines, a rename rotation every 400 lines, until told to stop.
    const writer = (async () => {
      while (writing) {
        writeSync(fd, lines(next, next + 20));
        next += 20;
        if (next % 400 === 0) {
          renameSync(log, `${log}.${++rotations}`);
          closeSync(fd);
          fd = openSync(log, 'a');
        }
        await sleep(2);
      }
      closeSync(fd);
    })();
    const outputs: string[] = [];
    for (let run = 0; run < 4; run++) {
      const f = follower(['--checkpoint', checkpoint, '--from', 'start', '--rotate-wait', '200ms', '', `${log}*`]);
      const before = outputs.join('');
      // Stopped once it printed lines of its own (so it is running, its signal handlers in place).
      await f.until('new lines', () => seen(f) >= 200);
      if (run === 3) {
        writing = false;
        await writer;
        await f.until('every line', () => tally(before + f.stdout).counts.size >= next);
        await sleep(300);
      }
      const r = await f.stop('SIGTERM');
      assert.equal(r.code, 0, r.stderr);
      running.delete(f);
      outputs.push(r.stdout);
    }
    const { counts, strange } = tally(outputs.join(''));
    const { lost, doubled } = lostAndDoubled(counts, next);
    assert.deepEqual(strange, []);
    assert.deepEqual(lost, [], 'lost');
    assert.deepEqual(doubled, [], 'doubled');
    assert.ok(rotations >= 2, `rotations: ${rotations}`);
    const saved = JSON.parse(readFileSync(checkpoint, 'utf8')) as { version: number; files: { offset: number }[] };
    assert.equal(saved.version, 1);
    assert.ok(saved.files.length >= 1);
  } finally {
    done();
  }
});

test('a truncation followed by growth past the old offset, between two looks, is read again from the start once', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    writeFileSync(log, lines(0, 10));
    const f = follower(['--from', 'start', '--poll', '5s', '', log]);
    await f.until('the first 10 lines', () => seen(f) >= 10);
    writeFileSync(log, lines(10, 40)); // same inode: truncated, then three times as long, in one go
    await f.until('the rewritten lines', () => seen(f) >= 40);
    await sleep(300);
    const r = await f.stop();
    const { counts, strange } = tally(r.stdout);
    assert.deepEqual(strange, []);
    assert.deepEqual(lostAndDoubled(counts, 40), { lost: [], doubled: [] });
  } finally {
    done();
  }
});

test('a path that does not exist yet is waited for, and read from its start when it appears', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'later.log');
  try {
    const f = follower(['', log]);
    await f.until('the waiting note', () => f.stderr.includes('does not exist yet'));
    writeFileSync(log, lines(0, 5));
    await f.until('its lines', () => seen(f) >= 5);
    const r = await f.stop();
    assert.equal(r.code, 0);
    assert.equal(r.stdout, lines(0, 5));
  } finally {
    done();
  }
});

test('an unfinished last line is held until its newline comes, then emitted once, whole', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'app.log');
  try {
    writeFileSync(log, '');
    const f = follower(['--from', 'start', '', log]);
    await sleep(200);
    const second = numbered(1);
    appendFileSync(log, numbered(0) + '\n' + second.slice(0, 20));
    await f.until('line 0', () => seen(f) >= 1);
    await sleep(300); // the follower has most likely read the half line by now; either way the result is the same
    appendFileSync(log, second.slice(20) + '\n');
    await f.until('line 1', () => seen(f) >= 2);
    await sleep(200);
    const r = await f.stop();
    assert.equal(r.stdout, lines(0, 2));
  } finally {
    done();
  }
});

test('standard input is followed to its end; the last line needs no newline', () => {
  const r = runCli(['follow', '', '-'], { input: 'a\nb\nc' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'a\nb\nc\n');
});

const ACCESS = (status: number): string => `10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" ${status} 100`;

test('an aggregate prints its result every --every, and its final result on SIGTERM (exit 0)', async () => {
  const { dir, done } = withDir();
  const log = join(dir, 'access.log');
  try {
    writeFileSync(log, `${ACCESS(200)}\n${ACCESS(404)}\n${ACCESS(404)}\n`);
    const f = follower(['--from', 'start', '--every', '200ms', '--csv', 'count by status', log]);
    await f.until('a result', () => f.stdout.includes('404,2'));
    appendFileSync(log, `${ACCESS(500)}\n`);
    await f.until('the next result', () => f.stdout.includes('500,1'));
    const r = await f.stop('SIGTERM');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.endsWith('status,count\n200,1\n404,2\n500,1\n'), r.stdout.slice(-200));
  } finally {
    done();
  }
});

test('follow mistakes are one line and exit 2', () => {
  const r = runCli(['follow', 'status >= 500 | fields host', 'x.log']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^logsift: follow prints matching lines[^\n]*\n$/);
  const w = runCli(['follow', '--window', '1m', 'status >= 500', 'x.log']);
  assert.equal(w.code, 2);
  assert.match(w.stderr, /^logsift: --window needs an aggregate[^\n]*\n$/);
  const e = runCli(['follow', '--every', 'soon', 'count', 'x.log']);
  assert.equal(e.code, 2);
  assert.equal(e.stderr.split('\n').length, 2, e.stderr);
});

test('a directory is followed with the files created in it later; a compressed rotation appearing there is not read again', async () => {
  const { dir, done } = withDir();
  try {
    writeFileSync(join(dir, 'a.log'), '');
    const f = follower(['', dir]);
    await sleep(300);
    appendFileSync(join(dir, 'a.log'), lines(0, 3));
    await f.until('the first lines', () => seen(f) >= 3);
    writeFileSync(join(dir, 'a.log.1.gz'), gzipSync(lines(0, 3)));
    writeFileSync(join(dir, 'b.log'), lines(3, 5));
    await f.until("the new file's lines", () => seen(f) >= 5);
    await sleep(300);
    const r = await f.stop();
    assert.equal(r.stdout, lines(0, 5));
  } finally {
    done();
  }
});
