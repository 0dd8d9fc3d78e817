/**
 * `pattern:` and `regex:` formats (issue 8, item 2): captures, types and time layouts, compiled to
 * the access-log template matchers (pattern) or run by the linear-time regex engine (regex); a
 * mistake is a usage error with the format quoted and a caret under the bad part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../src/core/errors.js';
import { javaToStrftime } from '../src/formats/pattern/java-time.js';
import { resolveFormat } from '../src/formats/registry.js';
import { newTimeOut } from '../src/formats/time/civil.js';
import { compileStrftime } from '../src/formats/time/strftime.js';
import { FIXTURES, numOf, parseText, spanText, strOf, valueOf } from './formats-helpers.js';
import { runCli } from './support/cli.js';
import { dataDir, skipUnlessData as skip } from './support/shared-data.js';

const SPARK = 'pattern:%{time:yy/MM/dd HH:mm:ss} %{level} %{logger}: %{message}';

/** The three lines of a format error, as the CLI prints them after `logsift: `. */
function formatError(spec: string): string {
  try {
    resolveFormat(spec);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  assert.fail(`${spec} compiled`);
}

test('pattern: the Spark layout reads every field applog reads', () => {
  const text = readFileSync(join(FIXTURES, 'spark.log'), 'utf8');
  const pattern = parseText(resolveFormat(SPARK), text);
  const applog = parseText(resolveFormat('applog'), text);
  assert.deepEqual(pattern.malformed, []);
  assert.equal(pattern.rows.length, applog.rows.length);
  for (const row of pattern.rows) {
    for (const field of ['level', 'logger', 'message']) assert.equal(strOf(pattern, field, row), strOf(applog, field, row), `${field} of row ${row}`);
    assert.equal(numOf(pattern, 'time', row), numOf(applog, 'time', row));
  }
  assert.equal(spanText(pattern, 'logger'), 'executor.CoarseGrainedExecutorBackend', 'fields are byte spans');
  assert.deepEqual(resolveFormat(SPARK).fields?.map((f) => `${f.name}:${f.type}`), ['time:time', 'level:string', 'logger:string', 'message:string', 'line:string']);
  assert.equal(resolveFormat(SPARK), resolveFormat(SPARK), 'compiled once');
});

test('pattern: types word, int, number, text; a capture is as short as lets the rest match', () => {
  const f = resolveFormat('pattern:%{ip:word} %{n:int} %{x:number} <%{rest}> %{tail}');
  assert.deepEqual(f.fields?.map((x) => `${x.name}:${x.type}`), ['ip:string', 'n:number', 'x:number', 'rest:string', 'tail:string', 'line:string']);
  const p = parseText(f, '10.0.0.1 42 3.5 <a> b> c d\n10.0.0.1 x 3.5 <a> b\n1 2 - <> e');
  assert.deepEqual(p.malformed, [1]);
  assert.equal(valueOf(p, 'n'), 42);
  assert.equal(valueOf(p, 'x'), 3.5);
  assert.equal(strOf(p, 'rest'), 'a', 'as little as lets the line match');
  assert.equal(strOf(p, 'tail'), 'b> c d');
  assert.equal(valueOf(p, 'x', 2), null, '- is no number');
  assert.equal(strOf(p, 'rest', 2), '');
  assert.equal(strOf(parseText(resolveFormat('pattern:100%% %{a}'), '100% x'), 'a'), 'x', '%% is a literal %');
});

test('pattern: time layouts, Java or strftime; %{time} alone is ISO-8601', () => {
  const java = parseText(resolveFormat('pattern:%{time:yyyy-MM-dd HH:mm:ss,SSS} %{m}'), '2015-10-18 18:01:47,978 x');
  assert.equal(numOf(java, 'time'), Date.UTC(2015, 9, 18, 18, 1, 47, 978));
  const strf = parseText(resolveFormat('pattern:[%{when:%d/%b/%Y:%H:%M:%S %z}] %{m}'), '[17/May/2015:10:05:03 +0200] x');
  assert.equal(numOf(strf, 'when'), Date.UTC(2015, 4, 17, 8, 5, 3));
  const iso = parseText(resolveFormat('pattern:%{time} %{m}'), '2024-01-02T03:04:05.5Z x');
  assert.equal(numOf(iso, 'time'), Date.UTC(2024, 0, 2, 3, 4, 5, 500));
  assert.deepEqual(javaToStrftime("dd/MMM/yyyy:HH:mm:ss Z"), { pattern: '%d/%b/%Y:%H:%M:%S %z' });
  assert.deepEqual(javaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), { pattern: '%Y-%m-%dT%H:%M:%S.%f%z' });
  assert.deepEqual(javaToStrftime("EEE MMMM d h:mm a ''yy"), { pattern: "%a %B %d %I:%M %p '%y" });
  assert.deepEqual(javaToStrftime('100% HH'), { pattern: '100%% %H' });
  const out = newTimeOut();
  assert.equal(compileStrftime('%H:%M:%S.%f').scan(Buffer.from('01:02:03.123456'), 0, 15, out), 15);
  assert.equal(out.ms, ((1 * 60 + 2) * 60 + 3) * 1000 + 123);
});

test('pattern: a mistake shows the format with a caret under the bad part', () => {
  assert.equal(formatError('pattern:%{time:yy/MM/dd HH:mm:ss %{level}'), 'bad format: "%{" is not closed by "}"\n  pattern:%{time:yy/MM/dd HH:mm:ss %{level}\n          ^');
  assert.equal(formatError('pattern:%{a}%{b}'), 'bad format: two captures need literal text between them\n  pattern:%{a}%{b}\n              ^');
  assert.equal(
    formatError('pattern:%{t:yy/MM/dd HH:mm:qq} %{m}'),
    'bad format: "yy/MM/dd HH:mm:qq" is neither a type (word, text, int, number) nor a time layout: "qq" is not a time layout letter this reader knows\n  pattern:%{t:yy/MM/dd HH:mm:qq} %{m}\n                             ^',
  );
  assert.equal(formatError('pattern:%{a} %{a}'), 'bad format: the field "a" is captured twice\n  pattern:%{a} %{a}\n                 ^');
  assert.equal(formatError('pattern:no captures'), 'bad format: a pattern needs at least one capture "%{name}"\n  pattern:no captures\n                     ^');
  assert.equal(formatError('pattern:50% %{a}'), 'bad format: a "%" starts a capture "%{name}" (write "%%" for a literal "%")\n  pattern:50% %{a}\n            ^');
  assert.equal(formatError('pattern:%{} x'), 'bad format: a capture needs a name\n  pattern:%{} x\n            ^');
  assert.match(formatError('pattern:%{a:} x'), /^bad format: a type after "a:"/);
  const r = runCli(['--format', 'pattern:%{a}%{b}', 'count'], { input: 'x\n' });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'logsift: bad format: two captures need literal text between them\n  pattern:%{a}%{b}\n              ^\n');
});

test('pattern: the common layout written as a pattern answers as --format common on NASA', { skip }, () => {
  const pattern = 'pattern:%{host:word} %{ident:word} %{user:word} [%{time:dd/MMM/yyyy:HH:mm:ss Z}] "%{request}" %{status:int} %{bytes:number}';
  for (const query of ['count by status', 'sum(bytes)', 'status == 404 | count_distinct(url)', 'count by bin(time, 1d)']) {
    const byName = runCli(['--json', '--format', 'common', query, 'nasa-jul95/xaa', 'nasa-jul95/xaj'], { cwd: dataDir });
    const byPattern = runCli(['--json', '--format', pattern, query, 'nasa-jul95/xaa', 'nasa-jul95/xaj'], { cwd: dataDir });
    assert.equal(byPattern.code, 0, byPattern.stderr);
    assert.deepEqual(JSON.parse(byPattern.stdout), JSON.parse(byName.stdout), query);
  }
});

test('regex: named groups are fields; `time` is a time; a line it does not match is malformed', () => {
  const f = resolveFormat('regex:^(?<time>\\S+) (?<level>\\w+) (?:\\[(?<thread>[^\\]]*)\\] )?(?<message>.*)$');
  assert.deepEqual(f.fields?.map((x) => `${x.name}:${x.type}`), ['time:time', 'level:any', 'thread:any', 'message:any', 'line:string']);
  const p = parseText(f, '2024-01-02T03:04:05Z INFO [main] started\nnot-a-line\n2024-01-02T03:04:06Z WARN 42');
  assert.deepEqual(p.malformed, [1]);
  assert.equal(numOf(p, 'time'), Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(strOf(p, 'thread'), 'main');
  assert.equal(valueOf(p, 'thread', 2), null, 'a group that took no part is absent');
  assert.equal(numOf(p, 'message', 2), 42, 'numbers read from their text');
  const i = parseText(resolveFormat('regex:/^(?<word>[a-z]+)$/i'), 'HeLLo');
  assert.equal(strOf(i, 'word'), 'HeLLo', 'flags between slashes (re2js runs i and u)');
  const r = runCli(['--format', 'regex:^(?<time>\\S+) (?<level>\\w+) (?<message>.*)$', '--csv', 'level == "INFO" | count'], { input: '2024-01-02T03:04:05Z INFO a\n2024-01-02T03:04:05Z WARN b\n' });
  assert.equal(r.stdout, 'count\n1\n', r.stderr);
});

test('regex: refused constructs and plain mistakes are usage errors with a caret; no pattern runs away', () => {
  assert.equal(
    formatError('regex:^(?<a>x)\\1'),
    'bad format: backreferences and lookaround are not supported: they can take exponential time (logsift runs patterns in linear time)\n  regex:^(?<a>x)\\1\n        ^',
  );
  assert.match(formatError('regex:^(x)(y)$'), /^bad format: the expression needs named groups/);
  assert.match(formatError('regex:(?<a>'), /^bad format: invalid regular expression/);
  // (x+)+ against forty x's and a y backtracks for minutes on a backtracking engine.
  const started = Date.now();
  const r = runCli(['--format', 'regex:^(?<a>(x+)+)$', '--csv', 'count'], { input: `${'x'.repeat(40)}y\n${'x'.repeat(10)}\n` });
  assert.equal(r.stdout, 'count\n1\n', r.stderr);
  assert.ok(Date.now() - started < 20_000, 'linear time');
});
