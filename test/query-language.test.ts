/**
 * The query language's expressions, new stages and aggregates, end to end through the CLI on
 * hand-written logs: every expected figure is worked out by hand from the lines below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError } from '../src/query/errors.js';
import { parseQuery } from '../src/query/parser.js';
import { typecheck } from '../src/query/typecheck.js';
import type { FieldSpec } from '../src/core/format.js';
import { runCli } from './support/cli.js';

const ACCESS = [
  '10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a/x.png HTTP/1.1" 200 2048 "-" "curl/8"',
  '10.0.0.2 - - [17/May/2015:10:15:04 +0000] "GET /b/y?x=1 HTTP/1.1" 404 50 "-" "Mozilla/5.0"',
  '10.0.0.1 - - [17/May/2015:12:05:05 +0000] "POST /a/z HTTP/1.1" 500 - "-" "curl/8"',
  '10.0.0.3 - - [17/May/2015:12:35:06 +0000] "GET /a/x.png HTTP/1.1" 200 1024 "-" "curl/8"',
  '10.0.0.1 - - [17/May/2015:12:45:07 +0000] "GET /b/w HTTP/1.1" 301 0 "-" "curl/8"',
].join('\n') + '\n';

function csv(args: readonly string[], input = ACCESS): string {
  const r = runCli([...args, '--csv'], { input });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'time', type: 'time' },
  { name: 'status', type: 'number' },
  { name: 'bytes', type: 'number' },
  { name: 'level', type: 'string' },
];

function typeError(query: string): [string, number] {
  try {
    typecheck(parseQuery(query), FIELDS);
  } catch (e) {
    if (e instanceof QueryError) return [e.message, e.column];
    throw e;
  }
  assert.fail(`expected a QueryError for ${query}`);
}

test('arithmetic binds tighter than comparisons, * tighter than +, left to right', () => {
  assert.equal(csv(['bytes + 1 * 2 > 2050 | count']), 'count\n0\n', '2048 + 2 is not > 2050');
  assert.equal(csv(['(bytes + 1) * 2 > 2050 | count']), 'count\n1\n');
  assert.equal(csv(['bytes - 24 - 1000 == 1024 | count']), 'count\n1\n', '(2048 - 24) - 1000');
  assert.equal(csv(['bytes / 2 / 2 == 512 | count']), 'count\n1\n');
  assert.equal(csv(['-q', '-bytes < -2000 | count']), 'count\n1\n');
  assert.equal(csv(['bytes % 1000 == 48 | count']), 'count\n1\n');
});

test('/ of whole numbers truncates (status / 100 is the class); a written fraction keeps it; by zero is missing', () => {
  assert.equal(csv(['count by status / 100 | sort status/100']), 'status/100,count\n2,2\n3,1\n4,1\n5,1\n');
  assert.equal(csv(['fields kb = bytes / 1024.0 | head 2']), 'kb\n2\n0.048828125\n');
  assert.equal(csv(['fields q = bytes / 0, r = bytes % 0 | head 1']), 'q,r\n,\n');
  assert.equal(csv(['sum(bytes / 1024), sum(bytes / 1024.0)']), 'sum(bytes/1024),sum(bytes/1024.0)\n3,3.048828125\n');
});

test('integers past 2^53 stay exact through + - * and /', () => {
  const json = '{"id": 9007199254740993, "n": 2}\n';
  assert.equal(csv(['fields a = id + 2, b = id * n, c = id - 1, d = id / 1', '--format', 'json'], json), 'a,b,c,d\n9007199254740995,18014398509481986,9007199254740992,9007199254740993\n');
});

test('string functions, if, coalesce, split()[i], len, and + joining two strings', () => {
  assert.equal(
    csv(['fields upper(method), len(path), substr(path, 0, 2), substr(path, -3), replace(path, "/", "_") | head 1']),
    'upper(method),len(path),"substr(path,0,2)","substr(path,-3)","replace(path,""/"",""_"")"\n' + 'GET,8,/a,png,_a_x.png\n',
  );
  assert.equal(csv(['count by split(path, "/")[1] | sort count desc']), '"split(path,""/"")[1]",count\n' + 'a,3\nb,2\n');
  assert.equal(csv(['fields kind = if(status >= 400, "error", "ok") | count by kind']), 'kind,count\nok,3\nerror,2\n');
  assert.equal(csv(['fields b = coalesce(bytes, -1), m = coalesce(referer, 1) | head 3', '--format', 'combined']), 'b,m\n2048,-\n50,-\n0,-\n', 'CLF - bytes is 0, present');
  assert.equal(csv(['fields m = coalesce(x, y, 1)', '--format', 'json'], '{"y": 5}\n{}\n'), 'm\n5\n1\n');
  assert.equal(csv(['fields x = host + ":" + method | head 1']), 'x\n10.0.0.1:GET\n');
  assert.equal(csv(['lower(agent) startswith "mozilla" | count']), 'count\n1\n');
});

test('let and fields with values feed later stages; aggregates take expressions', () => {
  assert.equal(csv(['let kb = bytes / 1024 | kb >= 1 | fields host, kb']), 'host,kb\n10.0.0.1,2\n10.0.0.3,1\n');
  assert.equal(csv(['let kb = bytes / 1024.0 | sum(kb), max(kb) by host | sort host']), 'host,sum(kb),max(kb)\n10.0.0.1,2,2\n10.0.0.2,0.048828125,0.048828125\n10.0.0.3,1,1\n');
  assert.equal(csv(['let bytes = bytes * 2 | sum(bytes)']), 'sum(bytes)\n6244\n', 'a let may replace a field');
  assert.equal(csv(['count by host | let share = count * 100 / 5 | sort share desc | head 1']), 'host,count,share\n10.0.0.1,3,60\n');
  assert.equal(csv(['count by host | fields host, double = count * 2 | sort double desc | head 1']), 'host,double\n10.0.0.1,6\n');
});

test('parse: named groups or a * pattern add fields; lines that do not match are dropped unless nodrop', () => {
  assert.equal(csv(['parse /^\\/(?<dir>\\w+)\\/(?<name>[^?]+)/ from url | count by dir, name | sort count desc | head 2']), 'dir,name,count\na,x.png,2\nb,y,1\n');
  assert.equal(csv(['parse "/*/*" from path as dir, rest | fields dir, rest | head 2']), 'dir,rest\na,x.png\nb,y\n');
  assert.equal(csv(['parse /(?<ext>\\.\\w+)$/ from path | count']), 'count\n2\n');
  assert.equal(csv(['parse /(?<ext>\\.\\w+)$/ from path nodrop | count by ext | sort count desc']), 'ext,count\n,3\n.png,2\n');
  const logfmt = 'msg="user=alice id=7 done"\nmsg="nothing here"\n';
  assert.equal(csv(['parse "user=* id=* " from msg as user, id | fields user, id', '--format', 'logfmt'], logfmt), 'user,id\nalice,7\n');
});

test('parse after an aggregate works on rows', () => {
  assert.equal(csv(['count by path | parse /^\\/(?<dir>\\w)/ from path | sum(count) by dir | sort dir']), 'dir,sum(count)\na,3\nb,2\n');
});

const APPLOG = [
  '2024-01-02T03:04:05Z DEBUG starting',
  '2024-01-02T03:04:06Z info ready',
  '2024-01-02T03:04:07Z WARNING slow disk',
  '2024-01-02T03:04:08Z Error failed',
  '2024-01-02T03:04:09Z FATAL gone',
  '2024-01-02T03:04:10Z notice hello',
].join('\n') + '\n';

test('levels order by severity and compare in any case', () => {
  assert.equal(csv(['level >= "WARN" | fields message', '--format', 'applog'], APPLOG), 'message\nslow disk\nfailed\ngone\n');
  assert.equal(csv(['level < "info" | fields message', '--format', 'applog'], APPLOG), 'message\nstarting\n');
  assert.equal(csv(['level == "error" | fields message', '--format', 'applog'], APPLOG), 'message\nfailed\n');
  assert.equal(csv(['level in ("warning", "FATAL") | count', '--format', 'applog'], APPLOG), 'count\n2\n');
  assert.equal(csv(['level > "INFO" and level < "WARN" | fields message', '--format', 'applog'], APPLOG), 'message\nhello\n');
  const pino = '{"level":30,"msg":"a"}\n{"level":50,"msg":"b"}\n{"level":40,"msg":"c"}\n';
  assert.equal(csv(['level >= "warn" | fields msg', '--format', 'json'], pino), 'msg\nb\nc\n', 'pino numbers are levels too');
  assert.deepEqual(typeError('level > "LOUD"'), [`'LOUD' is not a level to order by (levels, lowest first: TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL (EMERG))`, 8]);
});

const NASA_LIKE = [
  'a - - [01/Jul/1995:00:00:01 -0400] "GET / HTTP/1.0" 200 1',
  'b - - [01/Jul/1995:00:59:59 -0400] "GET / HTTP/1.0" 200 1',
  'c - - [01/Jul/1995:01:00:00 -0400] "GET / HTTP/1.0" 200 1',
  'd - - [01/Jul/1995:03:30:00 -0400] "GET / HTTP/1.0" 200 1',
].join('\n') + '\n';

test('a time without a zone is on the log\'s own clock; with one it is an instant', () => {
  assert.equal(csv(['time < "1995-07-01 01:00" | count'], NASA_LIKE), 'count\n2\n');
  assert.equal(csv(['time < "1995-07-01T01:00:00Z" | count'], NASA_LIKE), 'count\n0\n', '01:00Z is 21:00 the day before in -0400');
  assert.equal(csv(['time == "1995-07-01T01:00:00" | fields host'], NASA_LIKE), 'host\nc\n');
  assert.equal(csv(['count', '--since', '1995-07-01 00:30', '--until', '1995-07-01 03:30'], NASA_LIKE), 'count\n2\n');
  assert.equal(csv(['count', '--since', '1995-07-01T05:00:00Z'], NASA_LIKE), 'count\n2\n', '05:00Z is 01:00 in -0400');
  assert.equal(csv(['count', '--since', '100000d'], NASA_LIKE), 'count\n4\n', 'a duration counts back from now');
  assert.equal(csv(['count', '--since', '1h'], NASA_LIKE), 'count\n0\n');
  assert.equal(csv(['time < now() | count'], NASA_LIKE), 'count\n4\n');
  const bad = runCli(['count', '--since', 'yesterday'], { input: NASA_LIKE });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^logsift: --since: 'yesterday' is neither a time .* nor a duration back from now/);
});

test('bin(time) rows are zero-filled between the first and last bucket when sorted by it', () => {
  assert.equal(
    csv(['count, sum(bytes), avg(bytes) by bin(time, 1h) | sort bin(time,1h)'], NASA_LIKE),
    '"bin(time,1h)",count,sum(bytes),avg(bytes)\n' +
      '1995-07-01T00:00:00-04:00,2,2,1\n1995-07-01T01:00:00-04:00,1,1,1\n1995-07-01T02:00:00-04:00,0,0,\n1995-07-01T03:00:00-04:00,1,1,1\n',
  );
  assert.equal(csv(['count by bin(time, 1h)'], NASA_LIKE).split('\n').length - 2, 3, 'not sorted by time: no filling');
  assert.equal(csv(['count by bin(time, 1h) | sort bin(time,1h) desc | head 2'], NASA_LIKE), '"bin(time,1h)",count\n1995-07-01T03:00:00-04:00,1\n1995-07-01T02:00:00-04:00,0\n');
  assert.equal(csv(['count by bin(bytes, 10) | sort bin(bytes,10)']), '"bin(bytes,10)",count\n0,2\n50,1\n1020,1\n2040,1\n', 'numeric bins');
});

test('top N f by g: the top of f within each g', () => {
  assert.equal(csv(['top 1 path by host']), 'host,path,count\n10.0.0.1,/a/x.png,1\n10.0.0.2,/b/y,1\n10.0.0.3,/a/x.png,1\n');
  assert.equal(csv(['top 2 path by status']), 'status,path,count\n200,/a/x.png,2\n404,/b/y,1\n500,/a/z,1\n301,/b/w,1\n');
  assert.equal(csv(['top 2 host by method']), 'method,host,count\nGET,10.0.0.1,2\nGET,10.0.0.2,1\nPOST,10.0.0.1,1\n', 'ties keep first-seen order');
});

test('new aggregates: count_distinct over combinations, stddev, median, first, last, sample', () => {
  assert.equal(csv(['count_distinct(host), count_distinct(host, path), count_distinct(host, bytes)']), 'count_distinct(host),"count_distinct(host,path)","count_distinct(host,bytes)"\n3,5,4\n');
  // bytes 2048, 50, 0 (CLF's -), 1024, 0; the sample variance divides by n - 1.
  const values = [2048, 50, 0, 1024, 0];
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (values.length - 1);
  const [, line] = csv(['stddev(bytes), median(bytes), p50(bytes)']).trim().split('\n');
  const [sd, median, p50] = line!.split(',').map(Number);
  assert.ok(Math.abs(sd! - Math.sqrt(variance)) < 1e-9, `stddev ${sd} vs ${Math.sqrt(variance)}`);
  assert.equal(median, 50, 'nearest rank: the 3rd of 0, 0, 50, 1024, 2048');
  assert.equal(p50, median);
  assert.equal(csv(['first(path), last(path), sample(line) by host | sort host | head 1']), 'host,first(path),last(path),sample(line)\n' + `10.0.0.1,/a/x.png,/b/w,"${ACCESS.split('\n')[0]!.replaceAll('"', '""')}"\n`);
});

test('typos in stage names are named', () => {
  for (const [query, want] of [['cuont by status', 'count'], ['hed 5', 'head'], ['srot count', 'sort'], ['feilds host', 'fields']]) {
    const r = runCli([query], { input: ACCESS });
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`unknown stage '${query.split(' ')[0]}' \\(did you mean '${want}'\\?\\)`));
  }
});

test('backtick names take any characters; JSON arrays are lists for contains, len and [i]', () => {
  const json = '{"upstreams.hg-backend.keepalive": 3, "tags": ["a", "b"], "n": 1}\n{"tags": ["c"], "n": 2}\n{"tags": "abc", "n": 3}\n';
  assert.equal(csv(['fields `upstreams.hg-backend.keepalive` * 2 | head 1', '--format', 'json'], json), 'upstreams.hg-backend.keepalive*2\n6\n');
  assert.equal(csv(['tags contains "b" | fields n, len(tags), tags[0], tags[-1]', '--format', 'json'], json), 'n,len(tags),tags[0],tags[-1]\n1,2,a,b\n3,3,,\n', 'text is not a list: its len is its length');
  assert.equal(csv(['tags contains "b" | count', '--format', 'json'], json), 'count\n2\n', 'an element of a list, or text within text');
  assert.equal(csv(['tags contains "a" | count', '--format', 'json'], json), 'count\n2\n', 'the list ["a","b"] and the text "abc"');
});

test('type errors of expressions point at the culprit', () => {
  assert.deepEqual(typeError('host + 1 > 2'), ["'+' needs numbers, but host is a string field (+ joins two strings only)", 0]);
  assert.deepEqual(typeError('bytes * "2" > 1'), ['\'*\' needs numbers, but "2" is text', 8]);
  assert.deepEqual(typeError('lower(time) == "x"'), ['lower takes text as its first argument, not a time', 0]);
  assert.deepEqual(typeError('substr(host, "a") == "x"'), ['substr takes numbers for its start and length', 0]);
  assert.deepEqual(typeError('if(bytes, 1, 2) == 1'), ['if takes a condition first, e.g. if(status >= 500, "error", "ok")', 0]);
  assert.deepEqual(typeError('sum(host + "x")'), ['sum needs a number, but host+"x" is a string field', 4]);
  assert.deepEqual(typeError('len(host) > "a"'), ['len(host) is a number: compare it with a number', 12]);
  assert.deepEqual(typeError('count by bin(host, 10)'), ['bin with a number width needs a number, but host is a string field', 13]);
  assert.deepEqual(typeError('host[0] == 1 and split(host, ".")["x"] == "a"')[1], 34);
});

test('nginx variables and Apache header directives are names of their fields', () => {
  const line = '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" "9.9.9.9"\n';
  const nginx = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"';
  assert.equal(
    csv(['fields $http_user_agent, agent, $remote_addr, body_bytes_sent, http_x_forwarded_for', '--format', nginx], line),
    'http_user_agent,agent,remote_addr,body_bytes_sent,http_x_forwarded_for\ncurl/8,curl/8,1.2.3.4,5,9.9.9.9\n',
  );
  assert.equal(csv(['http_user_agent startswith "curl" and $status == 200 | count', '--format', nginx], line), 'count\n1\n');
  const apache = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" "%{X-Forwarded-For}i"';
  assert.equal(
    csv(['count by x_forwarded_for, http_x_forwarded_for, user_agent, http_user_agent', '--format', apache], line),
    'x_forwarded_for,http_x_forwarded_for,user_agent,http_user_agent,count\n9.9.9.9,9.9.9.9,curl/8,curl/8,1\n',
  );
});

test('let in the record phase reads fields of every format, into whole records', () => {
  // The readers of logfmt, JSON and access logs are objects: a let must call them, not copies of their methods.
  assert.equal(csv(['let kb = bin'], 'level=info msg=hi bin=3\n'), 'kb\n3\n');
  const json = runCli(['--ndjson', 'let bytes = a.b'], { input: '{"a":{"b":1},"bytes":3}\n' });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout).bytes, 1);
  const rows = csv(['let kb = bytes / 1024.0 | fields host, kb | head 1']);
  assert.equal(rows, 'host,kb\n10.0.0.1,2\n');
  assert.match(csv(['let t = time | head 1']).split('\n')[1]!, /,2015-05-17T10:05:03Z$/);
});

test('fields of constants alone make rows', () => {
  assert.equal(csv(['fields v = "%" | head 2']), 'v\n%\n%\n');
});

test('mistakes quoting text with line breaks stay one line, and so do option suggestions', () => {
  const level = runCli(['level <= "a\\nb"'], { input: ACCESS });
  assert.equal(level.code, 2);
  assert.match(level.stderr.split('\n')[0]!, /^logsift: query error: 'a\\nb' is not a level to order by/);
  const option = runCli(['--ndjsn', 'count'], { input: ACCESS });
  assert.equal(option.code, 2);
  assert.equal(option.stderr, "logsift: unknown option '--ndjsn' (did you mean --ndjson?)\n");
});
