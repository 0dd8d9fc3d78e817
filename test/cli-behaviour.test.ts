import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './support/cli.js';

// Hand-written combined lines: every expected figure below is counted by eye from these.
const LINES = [
  '10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 200 100 "-" "curl/8"',
  '10.0.0.2 - - [17/May/2015:10:05:04 +0000] "GET /b?x=1 HTTP/1.1" 404 50 "-" "curl/8"',
  '10.0.0.1 - - [17/May/2015:11:05:05 +0000] "POST /api/v1 HTTP/1.1" 500 - "-" "curl/8"',
  '10.0.0.3 - - [17/May/2015:11:05:06 +0000] "GET /api/v2 HTTP/1.1" 200 9007199254740991 "-" "curl/8"',
];
const TEXT = LINES.join('\n') + '\n';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-cli-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a filter prints the matching original lines from stdin', () => {
  const r = runCli(['status >= 400 and path startswith "/api"'], { input: TEXT });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, LINES[2] + '\n');
});

test('gzip, bzip2 and zstd are read by content, from files and from stdin', () => {
  withDir((dir) => {
    const plain = join(dir, 'access.log');
    writeFileSync(plain, TEXT);
    execFileSync('bzip2', ['-k', plain]);
    execFileSync('zstd', ['-q', plain, '-o', join(dir, 'access.log.zst')]);
    writeFileSync(join(dir, 'access.log.1'), gzipSync(TEXT)); // gzip under a plain name
    for (const file of ['access.log.bz2', 'access.log.zst', 'access.log.1']) {
      const r = runCli(['count', join(dir, file)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\b4\b/, file);
    }
    const fromStdin = runCli(['status == 404'], { input: gzipSync(TEXT) });
    assert.equal(fromStdin.stdout, LINES[1] + '\n');
  });
});

test('directories are read recursively and quoted globs are expanded by logsift', () => {
  withDir((dir) => {
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'one.log'), LINES[0] + '\n');
    writeFileSync(join(dir, 'a', 'b', 'two.log'), LINES[1]); // no final newline
    writeFileSync(join(dir, 'a', 'b', 'three.txt'), LINES[2] + '\n');
    const all = runCli(['', join(dir, 'a')]);
    assert.equal(all.stdout.split('\n').filter(Boolean).length, 3);
    const globbed = runCli(['count', join(dir, 'a', '**', '*.log')]);
    assert.equal(globbed.code, 0, globbed.stderr);
    assert.match(globbed.stdout, /\b2\b/);
  });
});

test('sums stay exact past 2^53', () => {
  // Each size fits a double exactly; their sum (odd, above 2^54) does not.
  const input = TEXT + LINES[3] + '\n' + LINES[0]!.replace(' 100 ', ' 1 ') + '\n';
  const r = runCli(['sum(bytes)', '--csv'], { input });
  const expected = 100n + 50n + 0n + 9007199254740991n + 9007199254740991n + 1n;
  assert.equal(r.stdout, `sum(bytes)\n${expected.toString()}\n`);
});

test('group keys, aggregate column names and CSV output', () => {
  const r = runCli(['count, sum(bytes) by status | sort status', '--csv'], { input: TEXT });
  assert.equal(r.stdout, 'status,count,sum(bytes)\n200,2,9007199254741091\n404,1,50\n500,1,0\n');
  const bins = runCli(['count by bin(time, 1h)', '--csv'], { input: TEXT });
  // the column name holds a comma, so RFC 4180 quotes it
  assert.equal(bins.stdout, '"bin(time,1h)",count\n2015-05-17T10:00:00Z,2\n2015-05-17T11:00:00Z,2\n');
});

test('a bad query shows the query, a caret under the mistake, and exits 2 without a stack', () => {
  const r = runCli(['status >= | count'], { input: TEXT });
  assert.equal(r.code, 2);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 3, r.stderr);
  assert.match(lines[0]!, /^logsift: query error: /);
  assert.equal(lines[1], '  status >= | count');
  assert.equal(lines[2]!.indexOf('^'), 2 + 'status >= '.length);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('an unknown field suggests the nearest one; a type mismatch says so', () => {
  const unknown = runCli(['stauts == 404'], { input: TEXT });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown field 'stauts' \(did you mean 'status'\?\)/);
  const mismatch = runCli(['sum(host)'], { input: TEXT });
  assert.equal(mismatch.code, 2);
  assert.match(mismatch.stderr, /sum needs a number, but host is a string field/);
});

test('an unknown option is a usage error: one line, exit 2', () => {
  const r = runCli(['--no-such-option', 'count'], { input: TEXT });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^logsift: unknown option '--no-such-option'/);
});

test('--help shows examples', () => {
  const r = runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /count by bin\(time, 1h\)/);
});

test('over-long lines are cut, counted and reported; the run goes on', () => {
  const long = LINES[0]!.replace('"curl/8"', `"${'x'.repeat(500)}"`);
  const r = runCli(['count', '--max-line-length', '200'], { input: `${LINES[1]}\n${long}\n${LINES[3]}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /1 line was longer than 200 bytes and cut \(first: -:2\)/);
  // the cut line no longer ends its agent field, so it is also counted as malformed
  assert.match(r.stderr, /1 line did not match combined \(first: -:2\)/);
  assert.match(r.stdout, /\b2\b/);
});

test('a format string forces the format', () => {
  const r = runCli(['--format', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"', 'count by method', '--csv'], {
    input: TEXT,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'method,count\nGET,3\nPOST,1\n');
  const bad = runCli(['--format', '%h %Z', 'count'], { input: TEXT });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^logsift: .*%Z/);
});

test('count_distinct past its exact bound is marked as an estimate', () => {
  const hosts = Array.from({ length: 500 }, (_, i) => LINES[0]!.replace('10.0.0.1', `10.0.${i >> 8}.${i & 255}`));
  const r = runCli(['count_distinct(host)', '--distinct-limit', '50'], { input: hosts.join('\n') + '\n' });
  assert.equal(r.code, 0, r.stderr);
  const figure = /~(\d+)/.exec(r.stdout);
  assert.ok(figure, r.stdout);
  assert.ok(Math.abs(Number(figure[1]) - 500) / 500 < 0.05, `estimate ${figure[1]} of 500`);
  assert.match(r.stdout, /~ estimate: count_distinct\(host\)/);
  const csv = runCli(['count_distinct(host)', '--distinct-limit', '50', '--csv'], { input: hosts.join('\n') + '\n' });
  assert.match(csv.stdout, /^count_distinct\(host\)\n\d+\n$/);
  assert.match(csv.stderr, /count_distinct\(host\) is an estimate/);
});

test('a sort of more rows than --sort-limit fails with exit 1 and prints no rows', () => {
  const r = runCli(['sort bytes desc | fields bytes', '--sort-limit', '2', '--csv'], { input: TEXT });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /sort: more than 2 rows to sort; add '\| head N' or raise --sort-limit/);
  assert.equal(r.stdout, '');
  const bounded = runCli(['sort bytes desc | head 1 | fields bytes', '--sort-limit', '2', '--csv'], { input: TEXT });
  assert.equal(bounded.code, 0, bounded.stderr);
  assert.equal(bounded.stdout, 'bytes\n9007199254740991\n');
});

test('--strict stops at the first malformed line with its location, exit 1', () => {
  const r = runCli(['count', '--strict'], { input: `${LINES[0]}\ngarbage here\n${LINES[1]}\n` });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^logsift: -:2: line does not match combined$/m);
});

test('malformed lines are counted and sampled; results still printed, exit 0', () => {
  const r = runCli(['count'], { input: `${LINES[0]}\ngarbage\n${LINES[1]}\nmore garbage\n` });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\b2\b/);
  assert.match(r.stderr, /2 lines did not match combined \(first: -:2, :4\)/);
});

test('bin(time, 1d) buckets follow the log\'s own clock: local midnight to midnight', () => {
  const at = (clock: string) => LINES[0]!.replace('17/May/2015:10:05:03 +0000', clock);
  const input = [at('17/May/2015:23:30:00 -0400'), at('18/May/2015:00:30:00 -0400'), at('18/May/2015:23:59:59 -0400')];
  const r = runCli(['count by bin(time, 1d)', '--csv'], { input: input.join('\n') + '\n' });
  assert.equal(r.stdout, '"bin(time,1d)",count\n2015-05-17T00:00:00-04:00,1\n2015-05-18T00:00:00-04:00,2\n');
});
