/**
 * Suspicious access-log lines (issue 8, item 5) and forced formats that match nothing (item 6):
 * glued lines are malformed, odd requests are read as written and counted as repaired, url and
 * path keep no trailing spaces, --strict stops at both, --malformed FILE keeps every malformed
 * line in input order, on one thread or many. Figures on the real logs are checked against awk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from './formats-helpers.js';
import { cliPath, runCli } from './support/cli.js';
import { ELASTIC, NASA, dataDir, skipUnlessData as skip } from './support/shared-data.js';

function inTmp(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-suspect-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** logsift in `cwd` on `jobs` threads (LOGSIFT_PARALLEL_BYTES lowered so small files use workers). */
function sift(args: readonly string[], cwd: string, jobs = 1): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, '--no-progress', '--jobs', String(jobs), ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LOGSIFT_PARALLEL_BYTES: '200000' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixtureLines = (name: string): string[] => readFileSync(join(FIXTURES, name), 'utf8').split('\n').slice(0, -1);

test('glued lines are malformed; odd requests are repaired and counted; url keeps no trailing spaces', () => {
  inTmp((dir) => {
    const bad = join(dir, 'bad.txt');
    const r = runCli(['--malformed', bad, '--ndjson', 'fields url, status', 'suspect-combined.log'], { cwd: FIXTURES });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).url), ['/a', '/f"g', '/h', '/i\\"j', '/k', '/n']);
    const lines = fixtureLines('suspect-combined.log');
    // Lines 2, 3 and 8: a second `host - - [time]` in the agent, the request, the referer.
    assert.equal(readFileSync(bad, 'utf8'), [lines[1], lines[2], lines[7]].map((l) => `${l}\n`).join(''));
    assert.equal(
      r.stderr,
      '3 lines did not match combined (first: suspect-combined.log:2, :3, :8), 3 of them two requests glued together (a lost line break; first: suspect-combined.log:2, :3, :8)\n' +
        '2 lines were repaired in suspect-combined.log (combined): 1 with an unescaped quote inside the request (first: suspect-combined.log:4), ' +
        '1 with several spaces before the protocol (first: suspect-combined.log:5)\n',
      'an escaped quote (line 6) and "- - [" without a time (line 7) are neither',
    );
    const common = runCli(['--malformed', bad, '--csv', 'fields url', 'suspect-common.log'], { cwd: FIXTURES });
    assert.equal(common.stdout, 'url\n/a\n"/images/"""\n/x\n', 'CSV doubles the quote');
    assert.match(common.stderr, /^2 lines did not match common \(first: suspect-common.log:2, :3\), 2 of them two requests glued together/);
    assert.match(common.stderr, /1 with an unescaped quote inside the request \(first: suspect-common.log:4\), 1 with several spaces before the protocol \(first: suspect-common.log:5\)/);
  });
});

test('--strict stops at a glued line and at a repaired request, naming the line and why', () => {
  const glued = runCli(['--strict', 'count', 'suspect-combined.log'], { cwd: FIXTURES });
  assert.equal(glued.code, 1);
  assert.equal(glued.stderr, 'logsift: suspect-combined.log:2: two requests glued together in one line, a lost line break (combined)\n');
  const repaired = runCli(['--strict', 'count'], { input: `${fixtureLines('suspect-combined.log')[4]}\n` });
  assert.equal(repaired.code, 1);
  assert.equal(repaired.stderr, 'logsift: -:1: request repaired: several spaces before the protocol (combined)\n');
});

test('repaired requests on NASA: as many per file as awk finds, and their url without the spaces', { skip }, () => {
  const r = runCli(['count', ...NASA], { cwd: dataDir });
  assert.equal(r.code, 0, r.stderr);
  for (const file of NASA) {
    // Several spaces before the protocol; a quote inside the request (more than the two quotes of a common line).
    const spaces = Number(spawnSync('awk', ['-F', '"', '$2 ~ /  HTTP\\/[^ ]*$/ { n++ } END { print n + 0 }', file], { cwd: dataDir, encoding: 'utf8' }).stdout);
    const quotes = Number(spawnSync('awk', ['-F', '"', 'NF > 3 { n++ } END { print n + 0 }', file], { cwd: dataDir, encoding: 'utf8' }).stdout);
    const summary = r.stderr.split('\n').find((l) => l.includes(`repaired in ${file} `)) ?? '';
    const total = spaces + quotes;
    if (total === 0) {
      assert.equal(summary, '', file);
      continue;
    }
    assert.match(summary, new RegExp(`^${total} lines? (was|were) repaired in ${file} \\(common\\)`), `${file}: ${summary}`);
    if (spaces > 0) assert.match(summary, new RegExp(`${spaces} with several spaces before the protocol`), file);
    if (quotes > 0) assert.match(summary, new RegExp(`${quotes} with an unescaped quote inside the request`), file);
  }
  // xah has 27 such requests: the url is the target without its trailing spaces (awk: the second word).
  const urls = runCli(['--csv', 'request contains "  HTTP/" | fields url', 'nasa-jul95/xah'], { cwd: dataDir });
  const expected = spawnSync('awk', ['-F', '"', '$2 ~ /  HTTP\\// { split($2, a, " "); print a[2] }', 'nasa-jul95/xah'], { cwd: dataDir, encoding: 'utf8' }).stdout;
  assert.equal(urls.stdout, `url\n${expected}`);
  assert.equal(expected.split('\n').length - 1, 27);
});

test('--malformed and the repaired summaries are the same on one thread and several', { skip }, () => {
  inTmp((dir) => {
    const files = [ELASTIC, ...NASA];
    const one = sift(['--malformed', join(dir, 'one.txt'), 'count by status', ...files], dataDir, 1);
    const two = sift(['--malformed', join(dir, 'two.txt'), 'count by status', ...files], dataDir, 2);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.stderr, one.stderr);
    const malformed = readFileSync(join(dir, 'one.txt'), 'utf8');
    assert.equal(readFileSync(join(dir, 'two.txt'), 'utf8'), malformed);
    // elastic's line 8899 (cut inside its agent) is the one malformed line of these files.
    const line8899 = spawnSync('sed', ['-n', '8899p', ELASTIC], { cwd: dataDir, encoding: 'utf8' }).stdout;
    assert.equal(malformed, line8899);
  });
});

test('a forced format that matches no line of a file is an error naming what the file looks like', { skip }, () => {
  for (const jobs of [1, 2]) {
    const r = sift(['--format', 'common', 'count', ELASTIC], dataDir, jobs);
    assert.equal(r.code, 1, `--jobs ${jobs}`);
    assert.equal(r.stderr, `logsift: ${ELASTIC}: 0 of 10000 lines matched common; the file looks like combined\n`, `--jobs ${jobs}`);
  }
  // The other inputs are read as usual; a file nothing would read is named without a hint.
  inTmp((dir) => {
    const junk = join(dir, 'junk.txt');
    spawnSync('sh', ['-c', `printf 'hello\\nworld\\n\\n' > ${junk}`]);
    const r = sift(['--format', 'common', '--csv', 'count', 'nasa-jul95/xaa', junk], dataDir);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'count\n13376\n');
    assert.match(r.stderr, new RegExp(`logsift: ${junk}: 0 of 2 lines matched common\\n`));
    assert.doesNotMatch(r.stderr, /did not match common \(first: \/.*junk/, 'said once, as the error');
  });
  // A file where some lines match keeps the usual summary, and exit 0.
  const some = runCli(['--format', 'common', '--csv', 'count', 'suspect-common.log'], { cwd: FIXTURES });
  assert.equal(some.code, 0, some.stderr);
  assert.equal(some.stdout, 'count\n3\n');
  assert.match(some.stderr, /^2 lines did not match common/);
});
