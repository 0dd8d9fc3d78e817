/**
 * Output plumbing: results go through a sink with backpressure, so a reader that stops early ends
 * the run quietly, a slow reader slows reading instead of growing memory, and streaming outputs
 * (table, CSV) stay flat in memory. Memory figures come from GNU time (the process's peak RSS);
 * no test measures time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { StreamSink } from '../src/output/sink.js';
import { cliPath } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'logsift-plumbing-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** 300,000 combined lines (about 30 MB), written once. */
const BIG = join(dir, 'big.log');
{
  const parts: string[] = [];
  for (let i = 0; i < 300_000; i++) {
    parts.push(`10.0.${(i >> 8) & 255}.${i & 255} - - [17/May/2015:10:05:03 +0000] "GET /page/${i} HTTP/1.1" ${i % 7 ? 200 : 404} ${i % 9000} "-" "agent/${i % 13}"\n`);
  }
  writeFileSync(BIG, parts.join(''));
}

function shell(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Peak RSS in MB of `logsift args` with its output going to `sink` (a shell redirection or pipe). */
function peakRss(args: string, sink: string, nodeFlags = ''): number {
  const r = shell(`/usr/bin/time -f '%M' -o ${dir}/rss "${process.execPath}" ${nodeFlags} "${cliPath}" --no-progress ${args} ${sink}; cat ${dir}/rss`);
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim().split('\n').pop()) / 1024;
}

/**
 * V8's old space capped well below what 300,000 rows take: a path that holds its rows dies of
 * "heap out of memory" (the control below), one that streams finishes. Peak RSS alone depends on
 * when the collector runs, which a loaded machine moves by tens of MB.
 */
const SMALL_HEAP = '--max-old-space-size=32';

test('a reader that stops early (| head -1) ends the run at once, exit 0, no message', () => {
  const r = shell(`"${process.execPath}" "${cliPath}" --no-progress '' "${BIG}" | head -1; echo "exit=\${PIPESTATUS:-}"`);
  assert.equal(r.stdout.split('\n')[0], '10.0.0.0 - - [17/May/2015:10:05:03 +0000] "GET /page/0 HTTP/1.1" 404 0 "-" "agent/0"');
  assert.equal(r.stderr, '');
  const status = spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath}" --no-progress 'fields host, url' --csv "${BIG}" | head -2 >/dev/null; echo \${PIPESTATUS[0]}`], {
    encoding: 'utf8',
  });
  assert.equal(status.stdout.trim(), '0');
  assert.equal(status.stderr, '');
});

test('--table and --csv of 300,000 rows stream in flat memory', () => {
  for (const output of ['--table', '--csv']) {
    const mb = peakRss(`'fields host, status, url' ${output} "${BIG}"`, '> /dev/null', SMALL_HEAP);
    assert.ok(mb < 150, `${output}: peak RSS ${mb.toFixed(0)} MB`);
  }
  const filtered = peakRss(`'status == 200' --table "${BIG}"`, '> /dev/null', SMALL_HEAP);
  assert.ok(filtered < 150, `filter --table: peak RSS ${filtered.toFixed(0)} MB`);
  // The control: sorting must hold every row, and does not fit in the same heap.
  const sorted = spawnSync(process.execPath, [SMALL_HEAP, cliPath, '--no-progress', 'fields host, status, url | sort url', '--csv', BIG], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  assert.notEqual(sorted.status, 0, 'a sort of 300,000 rows in a 32 MB heap should run out of memory');
});

test('a slow reader slows reading instead of growing memory', () => {
  // The reader takes nothing for a second, then everything: the output waits in the pipe, not in logsift.
  const mb = peakRss(`'' "${BIG}"`, `| (sleep 1; cat > /dev/null)`);
  assert.ok(mb < 150, `peak RSS ${mb.toFixed(0)} MB`);
});

test('StreamSink: backpressure through ready(), and everything written in order', async () => {
  const chunks: Buffer[] = [];
  let pending: (() => void) | null = null;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, callback) {
      chunks.push(chunk);
      pending = callback; // held until the test lets it go
    },
  });
  const sink = new StreamSink(slow);
  const piece = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < 6; i++) sink.write(piece);
  const wait = sink.ready();
  assert.ok(wait instanceof Promise, 'more than the high-water mark is queued: the producer must wait');
  let resolved = false;
  void wait.then(() => (resolved = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(resolved, false);
  while (pending) {
    const release = pending as () => void;
    pending = null;
    release();
    await new Promise((r) => setImmediate(r));
  }
  await wait;
  sink.write('tail\n');
  const ended = sink.end();
  while (pending) {
    (pending as () => void)();
    pending = null;
    await new Promise((r) => setImmediate(r));
  }
  await ended;
  assert.equal(Buffer.concat(chunks).length, 6 * 1024 * 1024 + 5);
});

test('StreamSink: a destination that went away is OutputClosed, the next call says so', async () => {
  const gone = new PassThrough();
  const sink = new StreamSink(gone);
  gone.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  await new Promise((r) => setImmediate(r));
  assert.throws(() => sink.write('x'), { name: 'OutputClosed' });
});
