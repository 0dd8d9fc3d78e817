/**
 * Reliability: hostile queries, patterns and outputs get a clear message and a usage or input
 * exit code, never an internal error, a hang or unbounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { braceExpansionSize } from '../src/io/expand-glob.js';
import { MAX_NESTING, parseQuery } from '../src/query/parser.js';
import { compileMatcher } from '../src/query/regex.js';
import { TopCounter } from '../src/aggregates/top-counter.js';
import { GroupTable, createAggregate } from '../src/aggregates/index.js';
import { cliPath, runCli } from './support/cli.js';

const LINE = (i: number): string =>
  `10.0.0.${i % 7} - - [17/May/2015:10:05:03 +0000] "GET /p/${i} HTTP/1.1" ${i % 3 ? 200 : 404} ${i} "-" "curl/8"`;
const INPUT = Array.from({ length: 50 }, (_, i) => LINE(i)).join('\n') + '\n';

test('1,841 nested parentheses are a query error (exit 2), not a stack overflow', () => {
  const query = '('.repeat(1841) + 'status == 200' + ')'.repeat(1841);
  const r = runCli([query], { input: INPUT });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /query nests too deeply \(more than 100 levels/);
  assert.ok(r.stderr.split('\n').every((line) => line.length < 200), 'the echoed query is a window, not all of it');
});

test('5,921 chained not are a query error; thousands of and/or terms just work', () => {
  const nots = runCli(['not '.repeat(5921) + 'status == 200'], { input: INPUT });
  assert.equal(nots.code, 2);
  assert.match(nots.stderr, /nests too deeply/);
  const ors = Array.from({ length: 6000 }, (_, i) => `bytes == ${i}`).join(' or ');
  const r = runCli([`${ors} | count`, '--csv'], { input: INPUT });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'count\n50\n');
  const ands = Array.from({ length: 6000 }, () => 'status >= 200').join(' and ');
  assert.equal(runCli([`${ands} | count`, '--csv'], { input: INPUT }).stdout, 'count\n50\n');
});

test('nesting up to the bound is accepted', () => {
  assert.doesNotThrow(() => parseQuery('('.repeat(MAX_NESTING) + 'a == 1' + ')'.repeat(MAX_NESTING)));
  assert.throws(() => parseQuery('('.repeat(MAX_NESTING + 1) + 'a == 1' + ')'.repeat(MAX_NESTING + 1)), /nests too deeply/);
});

test('catastrophic regexes run in linear time, with and without flags', () => {
  const hostile = 'x ' + 'a'.repeat(5000) + 'b';
  for (const [source, flags] of [['^(a+)+$', ''], ['(a|aa)*$', ''], ['(a+)+$', 'i'], ['(\\w+\\s?)+$', 'u'], ['\\d+\\d+\\d+$', '']] as const) {
    const matcher = compileMatcher(source, flags);
    const t0 = performance.now();
    matcher.test(hostile);
    // Not a timing threshold on speed: a guard that the call returns at all (backtracking takes hours).
    assert.ok(performance.now() - t0 < 30_000, `/${source}/${flags} returned`);
  }
  // The CLI, end to end, over long values.
  const input = Array.from({ length: 20 }, () => JSON.stringify({ m: 'a'.repeat(3000) + 'b' })).join('\n') + '\n';
  for (const pattern of ['/(a+)+$/', '/(a+)+$/i']) {
    const r = runCli([`m matches ${pattern} | count`, '--format', 'json', '--csv'], { input });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'count\n0\n');
  }
});

test('matches agrees with JavaScript regexes on ordinary patterns, on every engine', () => {
  const cases: [string, string, string, boolean][] = [
    ['bot|crawler', 'i', 'Googlebot/2.1', true],
    ['bot|crawler', 'i', 'Mozilla/5.0', false],
    ['^GET /api/v\\d+', '', 'GET /api/v2/x', true],
    ['chrome/(\\d+)', 'i', 'Mozilla Chrome/120.0', true],
    ['^a.c$', 's', 'a\nc', true],
    ['^b$', 'm', 'a\nb', true],
    ['\\bfoo\\b', '', 'a foo b', true],
  ];
  for (const [source, flags, text, expected] of cases) {
    assert.equal(compileMatcher(source, flags).test(text), expected, `/${source}/${flags} on ${text}`);
    assert.equal(new RegExp(source, flags).test(text), expected);
  }
});

test('backreferences and lookaround are refused with a clear message', () => {
  for (const pattern of ['/(a+)\\1/', '/foo(?=bar)/', '/(?<!x)y/']) {
    const r = runCli([`url matches ${pattern}`], { input: INPUT });
    assert.equal(r.code, 2, pattern);
    assert.match(r.stderr, /backreferences and lookaround are not supported/);
  }
});

test('a brace glob that expands to millions of names answers at once', () => {
  const pattern = 'x{1..10}{1..10}{1..10}{1..10}{1..10}{1..10}';
  assert.equal(braceExpansionSize(pattern), 1_000_000);
  assert.equal(braceExpansionSize('logs/{a,b}/{1..3}.log'), 6);
  assert.equal(braceExpansionSize('{a,{b,c}}'), 3);
  const r = runCli(['count', pattern]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /braces expand to more than 10,000 patterns/);
});

test('a 20 MB line with a raised --max-line-length is split in linear time', () => {
  const long = 'y'.repeat(20 * 1024 * 1024);
  const r = spawnSync(process.execPath, [cliPath, '--no-progress', '', '--max-line-length', String(64 * 1024 * 1024)], {
    input: `first\n${long}\nlast\n`,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `first\n${long}\nlast\n`);
});

test('writing to a full disk is a one-line error with exit 1', () => {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" --no-progress '' > /dev/full`], { input: INPUT, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, 'logsift: cannot write output: no space left on device\n');
});

test('a discarded standard output is fine, however the parent discards it', () => {
  const ignored = spawnSync(process.execPath, [cliPath, '--no-progress', 'count'], { input: INPUT, stdio: ['pipe', 'ignore', 'pipe'], encoding: 'utf8' });
  assert.equal(ignored.status, 0, `a parent's stdio 'ignore': ${ignored.stderr}`);
  const devnull = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" --no-progress count > /dev/null`], { input: INPUT, encoding: 'utf8' });
  assert.equal(devnull.status, 0, 'a shell redirect to /dev/null');
});

test('more groups than --max-groups: the kept groups stay exact, the run says so and exits 1', () => {
  const r = runCli(['count by url | sort url | head 3', '--max-groups', '10', '--csv'], { input: INPUT });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'url,count\n/p/0,1\n/p/1,1\n/p/2,1\n');
  assert.match(r.stderr, /more than 10 groups: 40 records of further groups were left out/);
  const fine = runCli(['count by status', '--max-groups', '10', '--csv'], { input: INPUT });
  assert.equal(fine.code, 0, fine.stderr);
});

test('GroupTable keeps at most maxGroups groups and counts the records it turned away', () => {
  const table = new GroupTable([createAggregate('count', { name: 'count' })], 1, ['k'], 2);
  for (const key of ['a', 'b', 'c', 'a', 'd', 'c']) {
    const states = table.entry1(key);
    states[0] = table.aggregates[0]!.add(states[0], null);
  }
  assert.deepEqual(table.rows(), [['a', 2], ['b', 1]]);
  assert.equal(table.droppedRecords, 3);
});

test('top N stays exact within its limit and marks sketched counts past it', () => {
  const exact = runCli(['top 2 host', '--csv'], { input: INPUT });
  assert.equal(exact.stdout, 'host,count\n10.0.0.0,8\n10.0.0.1,7\n');
  // 50 distinct urls, 5 counters: a skewed stream keeps its heavy hitters, marked as estimates.
  const skewed = [...Array.from({ length: 200 }, () => LINE(1)), ...Array.from({ length: 50 }, (_, i) => LINE(i))].join('\n') + '\n';
  const r = runCli(['top 1 url', '--distinct-limit', '5', '--csv'], { input: skewed });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'url,count\n/p/1,201\n', 'a heavy hitter the sketch proves exact is not marked');
  const flat = runCli(['top 2 url', '--distinct-limit', '5'], { input: INPUT });
  assert.match(flat.stdout, /~\d+/);
  assert.match(flat.stdout, /~ estimate: count over by at most \d+/);
});

test('TopCounter: Space-Saving bounds every count and merges like one pass', () => {
  const stream: string[] = [];
  for (let i = 0; i < 5000; i++) stream.push(i % 3 === 0 ? 'hot' : i % 5 === 0 ? 'warm' : `cold${i}`);
  const whole = new TopCounter(50);
  for (const key of stream) whole.add(key);
  const answer = whole.top(2);
  assert.deepEqual(answer.rows.map((r) => r.key), ['hot', 'warm']);
  const truth = { hot: stream.filter((k) => k === 'hot').length, warm: stream.filter((k) => k === 'warm').length };
  for (const row of answer.rows) {
    const exact = truth[row.key as 'hot' | 'warm'];
    assert.ok(row.count >= exact && row.count - row.error <= exact, `${String(row.key)}: ${row.count} (error ${row.error}) vs ${exact}`);
  }
  const a = new TopCounter(50);
  const b = new TopCounter(50);
  stream.forEach((key, i) => (i < 2500 ? a : b).add(key));
  a.merge(b);
  assert.deepEqual(a.top(2).rows.map((r) => r.key), ['hot', 'warm']);
  const small = new TopCounter(10);
  for (const key of ['x', 'y', 'x']) small.add(key);
  assert.deepEqual(small.top(5), { rows: [{ key: 'x', count: 2, error: 0 }, { key: 'y', count: 1, error: 0 }], estimate: false });
});
