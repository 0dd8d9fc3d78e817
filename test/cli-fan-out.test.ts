/**
 * `-e QUERY [-o FILE]`, repeated: every query answered from one read and parse. Each output must
 * equal the same query run alone (byte for byte, on generated and on real logs); mistakes are one
 * line and exit 2; a slow output slows reading instead of growing memory, or, with
 * --drop-when-full, drops and counts what it could not take.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAccessLog } from '../bench/generate-access.js';
import { withTempDir } from './support/temp-dir.js';
import { cliPath, runCli } from './support/cli.js';
import { dataPath, ELASTIC, NASA, NGINX_JSON, skipUnlessData } from './support/shared-data.js';

const withDir = (): { dir: string; done: () => void } => withTempDir('fanout');

/**
 * Queries of every collector kind: raw lines, filtered lines, `let`, rows (`fields`), aggregates,
 * top, kept rows (`sort | head`); records (--ndjson) in a test of their own.
 */
const FILE_QUERIES = ['', 'status == 404', 'status >= 500 and method == "POST"', 'url contains "robots" | head 3', 'let kb = bytes / 1024 | kb > 100', 'status == 301 | fields host, status, bytes'];
const STDOUT_QUERIES = ['sum(bytes)', 'count by status | sort count desc', 'top 5 url', 'count_distinct(host), p99(bytes)', 'status == 404 | count by bin(time, 1h) | head 4', 'sort bytes desc | head 3'];

/** Runs every query alone, then all together; each output of the one run must equal its single run. */
function checkFanOut(inputs: readonly string[], dir: string, extra: readonly string[] = []): void {
  const args: string[] = [];
  FILE_QUERIES.forEach((q, i) => args.push('-e', q, '-o', join(dir, `out-${i}.txt`)));
  for (const q of STDOUT_QUERIES) args.push('-e', q);
  const together = runCli([...args, ...extra, ...inputs]);
  assert.equal(together.code, 0, together.stderr);

  FILE_QUERIES.forEach((q, i) => {
    const alone = runCli([...extra, q, ...inputs]);
    assert.equal(alone.code, 0, alone.stderr);
    assert.ok(readFileSync(join(dir, `out-${i}.txt`), 'utf8') === alone.stdout, `-e '${q}' -o FILE differs from the query run alone`);
  });
  const expected = STDOUT_QUERIES.map((q) => {
    const alone = runCli([...extra, q, ...inputs]);
    assert.equal(alone.code, 0, alone.stderr);
    return alone.stdout;
  }).join('\n');
  assert.equal(together.stdout, expected, 'the aggregates on standard output, in -e order, a blank line apart');
  // What the read found (lines that did not match) is said once, as a single run says it.
  assert.equal(together.stderr, runCli([...extra, 'count', ...inputs]).stderr);
}

test('each -e output equals the same query run alone (generated access log, one read)', () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeAccessLog(log, { lines: 60_000, seed: 7 });
    // A few lines no format matches, so the malformed count is part of the comparison.
    writeFileSync(log, readFileSync(log, 'utf8') + 'not an access line\n\nanother bad one\n');
    checkFanOut([log], dir);
  } finally {
    done();
  }
});

test('each -e output equals the same query run alone on real logs (Apache, NASA, nginx JSON)', { skip: skipUnlessData }, () => {
  const { dir, done } = withDir();
  try {
    checkFanOut([dataPath(ELASTIC), ...NASA.slice(0, 2).map(dataPath)], dir);
    const json = ['-e', 'status == 404', '-o', join(dir, 'j404.txt'), '-e', 'count by status', dataPath(NGINX_JSON)];
    const r = runCli(json);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'j404.txt'), 'utf8'), runCli(['status == 404', dataPath(NGINX_JSON)]).stdout);
    assert.equal(r.stdout, runCli(['count by status', dataPath(NGINX_JSON)]).stdout);
  } finally {
    done();
  }
});

test('outputs of --ndjson records and a forced format fan out too', () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeAccessLog(log, { lines: 5_000, seed: 3 });
    const r = runCli(['--ndjson', '-f', 'combined', '-e', 'status == 404', '-o', join(dir, 'a.ndjson'), '-e', 'count by method', log]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'a.ndjson'), 'utf8'), runCli(['--ndjson', '-f', 'combined', 'status == 404', log]).stdout);
    assert.equal(r.stdout, runCli(['--ndjson', '-f', 'combined', 'count by method', log]).stdout);
  } finally {
    done();
  }
});

test('fan-out mistakes are one line and exit 2 (an output that cannot be written: 1), before anything is written', () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'a.log');
    writeAccessLog(log, { lines: 10, seed: 1 });
    // Usage mistakes exit 2; an output file that cannot be opened is a run failure, exit 1.
    const cases: [string[], RegExp, number][] = [
      [['-o', join(dir, 'x'), '-e', 'count', log], /-o names the file of the -e before it/, 2],
      [['-e', 'count', '-o', join(dir, 'x'), '-o', join(dir, 'y'), log], /already writes to/, 2],
      [['-e', 'status == 404', '-e', 'status == 200', log], /both print records to standard output: give one of them its own -o FILE/, 2],
      [['-e', 'count', '-o', join(dir, 'same'), '-e', 'sum(bytes)', '-o', join(dir, 'same'), log], /is given twice/, 2],
      [['-e', 'count', '--jobs', '2', log], /--jobs is for a single query/, 2],
      [['-e', 'count by', log], /-e 'count by'/, 2],
      [['-e', 'count', '-o', join(dir, 'no', 'such', 'dir', 'x'), log], /cannot write .*no\/such\/dir\/x/, 1],
    ];
    for (const [args, message, code] of cases) {
      const r = runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(r.stdout, '');
    }
  } finally {
    done();
  }
});

/** Peak RSS (KiB) of a process, sampled from /proc while it runs. */
function watchPeak(pid: number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      // gone
    }
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** A reader of a FIFO that takes `chunk` bytes every `everyMs`, after waiting `startMs`. */
function slowReader(fifo: string, chunk: number, everyMs: number, startMs: number) {
  const script = `
    const fs = require('node:fs');
    const fd = fs.openSync(process.argv[1], 'r');
    const buf = Buffer.alloc(${chunk});
    let total = 0, lines = 0;
    const step = () => {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) { process.stdout.write(JSON.stringify({ total, lines })); return; }
      total += n;
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
      setTimeout(step, ${everyMs});
    };
    setTimeout(step, ${startMs});`;
  const child = spawn(process.execPath, ['-e', script, fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise<{ total: number; lines: number }>((resolve) => child.on('close', () => resolve(JSON.parse(out || '{"total":0,"lines":0}'))));
}

function runLogsift(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; peakKiB: number }> {
  const child = spawn(process.execPath, [cliPath, '--no-progress', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const peak = watchPeak(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, peakKiB: peak.stop() })));
}

test('a slow output slows the read (backpressure): every line arrives and memory stays flat', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'big.log');
    const { lines, bytes } = writeAccessLog(log, { lines: 600_000, seed: 5 });
    const fifo = join(dir, 'slow.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // About 64 KiB per 2 ms: several times slower than logsift reads.
    const reader = slowReader(fifo, 64 * 1024, 2, 0);
    const run = await runLogsift(['-e', '', '-o', fifo, '-e', 'count', log]);
    const got = await reader;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(got.total, bytes, 'every byte reached the slow output');
    assert.equal(got.lines, lines);
    assert.match(run.stdout, new RegExp(`\\b${lines}\\b`), 'the other output counted every line');
    // Without backpressure the whole file would queue in memory; with it, a few MiB of queue.
    const fileMiB = statSync(log).size / 1048576;
    assert.ok(run.peakKiB / 1024 < 60 + fileMiB / 2, `peak RSS ${(run.peakKiB / 1024).toFixed(0)} MiB for a ${fileMiB.toFixed(0)} MiB file`);
  } finally {
    done();
  }
});

test('--drop-when-full: a stalled output drops and counts its lines, the others get everything, exit 1', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'big.log');
    const { lines } = writeAccessLog(log, { lines: 400_000, seed: 6 });
    const fifo = join(dir, 'stalled.fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // Opens at once, reads nothing for 3 s, then everything.
    const reader = slowReader(fifo, 1 << 20, 0, 3000);
    const run = await runLogsift(['--drop-when-full', '-e', '', '-o', fifo, '-e', 'count', log]);
    const got = await reader;
    assert.equal(run.code, 1, run.stderr);
    const m = /-o .*stalled\.fifo: ([\d,]+) lines dropped while the output was full \(--drop-when-full\)/.exec(run.stderr);
    assert.ok(m, run.stderr);
    const dropped = Number(m[1]!.replace(/,/g, ''));
    assert.ok(dropped > 0, 'some lines were dropped');
    assert.equal(got.lines + dropped, lines, 'what arrived and what was counted as dropped add up to the input');
    assert.match(run.stdout, new RegExp(`\\b${lines}\\b`), 'the count saw every line');
  } finally {
    done();
  }
});

/** An access line numbered `n` (in its path); every third is a 404. */
function numberedHit(n: number): string {
  return `10.0.0.${n % 7} - - [02/Dec/2026:10:00:00 +0000] "GET /p${String(n).padStart(7, '0')} HTTP/1.1" ${n % 3 === 0 ? 404 : 200} ${n}\n`;
}

function numbersIn(text: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const m of text.matchAll(/GET \/p(\d{7}) /g)) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  return counts;
}

test('follow -e ... -o ...: through rotations and SIGTERM restarts with a checkpoint, each output gets its lines exactly once', async () => {
  const { dir, done } = withDir();
  const { Follower } = await import('./support/follower.js');
  const { closeSync, openSync, renameSync, writeSync } = await import('node:fs');
  const log = join(dir, 'access.log');
  const all = join(dir, 'all.out');
  const notFound = join(dir, '404.out');
  const checkpoint = join(dir, 'state.json');
  const args = ['--from', 'start', '--checkpoint', checkpoint, '-e', '', '-o', all, '-e', 'status == 404', '-o', notFound, `${log}*`];
  // The rotated files are among the followed paths, so lines left in one while stopped are read on restart.
  let fd = openSync(log, 'a');
  let next = 0;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      let text = '';
      for (let i = 0; i < 20; i++) text += numberedHit(next++);
      writeSync(fd, text);
      if (next % 300 === 0) {
        renameSync(log, `${log}.${next}`);
        closeSync(fd);
        fd = openSync(log, 'a');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const followers: InstanceType<typeof Follower>[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const f = new Follower(args);
      followers.push(f);
      const target = next + 600;
      await f.until(`round ${round}: lines past ${target}`, () => next >= target && existsSync(all) && numbersIn(readFileSync(all, 'utf8')).has(target - 300));
      const { code } = await f.stop('SIGTERM');
      assert.equal(code, 0, f.stderr);
    }
    writing = false;
    await writer;
    closeSync(fd);
    const last = new Follower(args);
    followers.push(last);
    await last.until('every line written', () => numbersIn(readFileSync(all, 'utf8')).size >= next);
    await last.stop('SIGTERM');
    const got = numbersIn(readFileSync(all, 'utf8'));
    const got404 = numbersIn(readFileSync(notFound, 'utf8'));
    const lost = [...Array(next).keys()].filter((n) => !got.has(n));
    const doubled = [...got].filter(([, c]) => c > 1).map(([n]) => n);
    assert.deepEqual({ lost: lost.slice(0, 10), doubled: doubled.slice(0, 10) }, { lost: [], doubled: [] }, `all lines: ${lost.length} lost, ${doubled.length} doubled`);
    const expected404 = [...Array(next).keys()].filter((n) => n % 3 === 0);
    assert.deepEqual([...got404.keys()].sort((a, b) => a - b), expected404, 'the 404 output holds exactly the 404 lines');
    assert.ok([...got404.values()].every((c) => c === 1), 'no 404 line twice');
  } finally {
    writing = false;
    for (const f of followers) f.child.kill('SIGKILL');
    done();
  }
});


test('follow: an -o file inside a followed directory is written but never followed (no feedback loop)', async () => {
  const { dir, done } = withDir();
  const { Follower } = await import('./support/follower.js');
  const { appendFileSync } = await import('node:fs');
  const out = join(dir, 'all.out');
  const f = new Follower(['--from', 'start', '-e', '', '-o', out, dir]);
  try {
    const log = join(dir, 'access.log');
    appendFileSync(log, numberedHit(0) + numberedHit(1));
    await f.until('the note about the output', () => f.stderr.includes('an output of this run (-o), so its lines are not followed'));
    appendFileSync(log, numberedHit(2));
    await f.until('three lines out', () => numbersIn(readFileSync(out, 'utf8')).size === 3);
    await new Promise((r) => setTimeout(r, 1500)); // time for a loop to show, were there one
    const { code } = await f.stop('SIGTERM');
    assert.equal(code, 0, f.stderr);
    assert.deepEqual([...numbersIn(readFileSync(out, 'utf8'))], [[0, 1], [1, 1], [2, 1]]);
  } finally {
    f.child.kill('SIGKILL');
    done();
  }
});
