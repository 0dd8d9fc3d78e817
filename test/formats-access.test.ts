import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant } from '../src/core/value.js';
import { resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, spanText, strOf, valueOf } from './formats-helpers.js';

const COMBINED =
  '83.149.9.216 - frank [17/May/2015:10:05:03 +0000] "GET /presentations/kibana.png?x=1&y=2 HTTP/1.1" 200 203023 ' +
  '"http://semicomplete.com/presentations/" "Mozilla/5.0 (Macintosh) Chrome/32.0"';
const COMMON = 'unicomp6.unicomp.net - - [01/Jul/1995:00:00:06 -0400] "GET /shuttle/countdown/ HTTP/1.0" 200 3985';

test('combined: every public field of a hand-written line', () => {
  const p = parseText(resolveFormat('combined'), COMBINED);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host'), '83.149.9.216');
  assert.equal(valueOf(p, 'ident'), '-');
  assert.equal(valueOf(p, 'user'), 'frank');
  assert.equal(valueOf(p, 'request'), 'GET /presentations/kibana.png?x=1&y=2 HTTP/1.1');
  assert.equal(valueOf(p, 'method'), 'GET');
  assert.equal(valueOf(p, 'url'), '/presentations/kibana.png?x=1&y=2');
  assert.equal(valueOf(p, 'path'), '/presentations/kibana.png');
  assert.equal(valueOf(p, 'query'), 'x=1&y=2');
  assert.equal(valueOf(p, 'protocol'), 'HTTP/1.1');
  assert.equal(valueOf(p, 'status'), 200);
  assert.equal(valueOf(p, 'bytes'), 203023);
  assert.equal(valueOf(p, 'referer'), 'http://semicomplete.com/presentations/');
  assert.equal(valueOf(p, 'agent'), 'Mozilla/5.0 (Macintosh) Chrome/32.0');
});

test('combined: time is an Instant with its offset; num() is epoch ms', () => {
  const p = parseText(resolveFormat('common'), COMMON);
  const time = valueOf(p, 'time');
  assert.ok(time instanceof Instant);
  assert.equal(time.ms, Date.UTC(1995, 6, 1, 4, 0, 6));
  assert.equal(time.offsetMinutes, -240);
  assert.equal(numOf(p, 'time'), Date.UTC(1995, 6, 1, 4, 0, 6));
  assert.equal(strOf(p, 'time'), '01/Jul/1995:00:00:06 -0400');
  assert.equal(String(time), '1995-07-01T00:00:06-04:00');
});

test('field specs: types and order of the named access formats', () => {
  const combined = resolveFormat('combined');
  assert.deepEqual(
    combined.fields?.map((f) => `${f.name}:${f.type}`),
    [
      'host:string', 'ident:string', 'user:string', 'time:time', 'request:string', 'method:string',
      'url:string', 'path:string', 'query:string', 'protocol:string', 'status:number', 'bytes:number',
      'referer:string', 'agent:string', 'line:string',
    ],
  );
  assert.deepEqual(
    resolveFormat('common').fields?.map((f) => f.name),
    ['host', 'ident', 'user', 'time', 'request', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes', 'line'],
  );
  const vhost = resolveFormat('vhost_combined').fields?.map((f) => f.name) ?? [];
  assert.ok(vhost.includes('vhost') && vhost.includes('port') && vhost.includes('bytes'));
});

test('vhost_combined: vhost, port and %O as bytes', () => {
  const p = parseText(
    resolveFormat('vhost_combined'),
    'www.example.com:443 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8.0"',
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'vhost'), 'www.example.com');
  assert.equal(valueOf(p, 'port'), 443);
  assert.equal(valueOf(p, 'host'), '10.0.0.1');
  assert.equal(valueOf(p, 'bytes'), 2326);
  assert.equal(valueOf(p, 'bytes_out'), 2326, 'the directive name stays as an alias');
});

test('string fields offer span() with the exact bytes', () => {
  const p = parseText(resolveFormat('combined'), COMBINED);
  assert.equal(spanText(p, 'method'), 'GET');
  assert.equal(spanText(p, 'path'), '/presentations/kibana.png');
  assert.equal(spanText(p, 'agent'), 'Mozilla/5.0 (Macintosh) Chrome/32.0');
  assert.equal(p.parser.reader('status')?.span, undefined, 'numbers are compared as numbers');
});

test('bytes of "-" is 0; status and bytes are numbers', () => {
  const p = parseText(resolveFormat('common'), 'h - - [01/Jul/1995:00:00:06 -0400] "GET / HTTP/1.0" 304 -');
  assert.equal(valueOf(p, 'bytes'), 0);
  assert.equal(numOf(p, 'bytes'), 0);
  assert.equal(strOf(p, 'bytes'), '-');
  assert.equal(typeof valueOf(p, 'status'), 'number');
});

test('stray quotes inside the request survive', () => {
  const p = parseText(resolveFormat('common'), 'frank.mtsu.edu - - [03/Jul/1995:02:41:15 -0400] "GET /images/" HTTP/1.0" 404 -');
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'request'), 'GET /images/" HTTP/1.0');
  assert.equal(valueOf(p, 'url'), '/images/"');
  assert.equal(valueOf(p, 'protocol'), 'HTTP/1.0');
  assert.equal(valueOf(p, 'status'), 404);
});

test('a stray quote followed by a space inside the referer of a combined line', () => {
  const p = parseText(
    resolveFormat('combined'),
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a" b HTTP/1.1" 200 5 "http://x/" y" "agent"',
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'request'), 'GET /a" b HTTP/1.1');
  assert.equal(valueOf(p, 'url'), '/a" b');
  assert.equal(valueOf(p, 'referer'), 'http://x/" y');
  assert.equal(valueOf(p, 'agent'), 'agent');
});

test('escaped quotes (\\") are kept as written, span exact', () => {
  const line = '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /q?a=\\" HTTP/1.1" 200 5 "-" "Mozilla \\"quoted\\" \\" 1"';
  const p = parseText(resolveFormat('combined'), line);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'url'), '/q?a=\\"');
  assert.equal(valueOf(p, 'agent'), 'Mozilla \\"quoted\\" \\" 1');
  assert.equal(spanText(p, 'agent'), 'Mozilla \\"quoted\\" \\" 1');
});

test('URLs with spaces split at the first and last space', () => {
  const p = parseText(
    resolveFormat('common'),
    [
      'a - - [01/Jul/1995:22:26:51 -0400] "GET /htbin/wais.pl?orbit sts71 HTTP/1.0" 200 317',
      'b - - [01/Jul/1995:07:36:13 -0400] "GET /shuttle/missions/missions.html Shuttle Launches HTTP/1.0" 200 8677',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'url', 0), '/htbin/wais.pl?orbit sts71');
  assert.equal(valueOf(p, 'path', 0), '/htbin/wais.pl');
  assert.equal(valueOf(p, 'query', 0), 'orbit sts71');
  assert.equal(valueOf(p, 'url', 1), '/shuttle/missions/missions.html Shuttle Launches');
  assert.equal(valueOf(p, 'protocol', 1), 'HTTP/1.0');
});

test('a request without protocol keeps everything in the url', () => {
  const p = parseText(
    resolveFormat('common'),
    ['a - - [01/Jul/1995:00:51:31 -0400] "GET /ksc.html" 200 7074', 'a - - [01/Jul/1995:00:51:31 -0400] "GET /a b" 200 1'].join('\n'),
  );
  assert.equal(valueOf(p, 'method', 0), 'GET');
  assert.equal(valueOf(p, 'url', 0), '/ksc.html');
  assert.equal(valueOf(p, 'protocol', 0), '');
  assert.equal(valueOf(p, 'url', 1), '/a b');
  assert.equal(valueOf(p, 'protocol', 1), '');
});

test('a request of "-" (408) and a request with no space', () => {
  const p = parseText(
    resolveFormat('common'),
    [
      'h194n2fls308o1033.telia.com - - [09/Mar/2004:13:49:05 -0800] "-" 408 -',
      'x - - [09/Mar/2004:13:49:05 -0800] "\\x16\\x03\\x01" 400 166',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'method', 0), '');
  assert.equal(valueOf(p, 'url', 0), '-');
  assert.equal(valueOf(p, 'path', 0), '-');
  assert.equal(valueOf(p, 'query', 0), '');
  assert.equal(valueOf(p, 'protocol', 0), '');
  assert.equal(valueOf(p, 'status', 0), 408);
  assert.equal(valueOf(p, 'url', 1), '\\x16\\x03\\x01');
  assert.equal(valueOf(p, 'method', 1), '');
});

test('IPv6 clients, hostnames, full-URL requests and OPTIONS *', () => {
  const p = parseText(
    resolveFormat('combined'),
    [
      '2001:41d0:8:f69::1 - - [29/Oct/2015:06:47:36 +0100] "GET / HTTP/1.1" 200 20526 "http://niels.basjes.nl/" "Dragon"',
      'lj1036.inktomisearch.com - - [07/Mar/2004:17:18:36 -0800] "GET /robots.txt HTTP/1.0" 200 68 "-" "-"',
      '222.88.236.235 - - [25/Oct/2015:04:39:09 +0100] "GET http://niels.basj.es/join?came_from=http%3A//x HTTP/1.0" 200 11713 "-" "-"',
      '80-219-148-207.dclient.hispeed.ch - - [07/Mar/2004:19:47:36 -0800] "OPTIONS * HTTP/1.0" 200 - "-" "-"',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host', 0), '2001:41d0:8:f69::1');
  assert.equal(valueOf(p, 'host', 1), 'lj1036.inktomisearch.com');
  assert.equal(valueOf(p, 'url', 2), 'http://niels.basj.es/join?came_from=http%3A//x');
  assert.equal(valueOf(p, 'path', 2), 'http://niels.basj.es/join');
  assert.equal(valueOf(p, 'query', 2), 'came_from=http%3A//x');
  assert.equal(valueOf(p, 'method', 3), 'OPTIONS');
  assert.equal(valueOf(p, 'url', 3), '*');
  assert.equal(valueOf(p, 'bytes', 3), 0);
});

test('a truncated line with an unclosed quote is malformed', () => {
  const p = parseText(
    resolveFormat('combined'),
    '46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /configlib.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1',
  );
  assert.deepEqual(p.malformed, [0]);
  assert.equal(p.batch.selCount, 0);
});

test('common rejects a combined line and combined rejects a common line', () => {
  assert.deepEqual(parseText(resolveFormat('common'), COMBINED).malformed, [0]);
  assert.deepEqual(parseText(resolveFormat('combined'), COMMON).malformed, [0]);
  assert.deepEqual(parseText(resolveFormat('vhost_combined'), COMBINED).malformed, [0]);
  assert.deepEqual(
    parseText(resolveFormat('vhost_combined'), '2001:41d0:8:f69::1 - - [29/Oct/2015:06:47:36 +0100] "GET / HTTP/1.1" 200 1 "-" "-"').malformed,
    [0],
    'an IPv6 client is not a vhost:port',
  );
});

test('other malformed lines: garbage, bad time, bad status, empty', () => {
  const p = parseText(
    resolveFormat('common'),
    [
      'xxxxxxxxxxxx',
      'h - - [32/Jul/1995:00:00:06 -0400] "GET / HTTP/1.0" 200 1',
      'h - - [01/Jux/1995:00:00:06 -0400] "GET / HTTP/1.0" 200 1',
      'h - - [01/Jul/1995:00:00:06 -0400] "GET / HTTP/1.0" 2x0 1',
      '',
      COMMON,
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, [0, 1, 2, 3, 4]);
  assert.deepEqual(p.rows, [5]);
});

test('malformed rows leave the selection compacted in order', () => {
  const lines = [COMMON, 'bad', COMMON, COMMON, 'bad too', COMMON, 'x'];
  const p = parseText(resolveFormat('common'), lines.join('\n'));
  assert.deepEqual(p.malformed, [1, 4, 6]);
  assert.deepEqual(p.rows, [0, 2, 3, 5]);
  assert.equal(p.batch.selCount, 4);
});

test('parse() only considers the selected rows', () => {
  const lines = [COMMON, 'bad', COMMON, 'bad'];
  const parsed = parseText(resolveFormat('common'), lines.join('\n'));
  // Re-parse a batch whose selection excludes row 1.
  const { batch } = parsed;
  batch.sel.set([0, 2, 3]);
  batch.selCount = 3;
  const malformed: number[] = [];
  parsed.parser.parse(batch, (row) => malformed.push(row));
  assert.deepEqual(malformed, [3]);
  assert.deepEqual(Array.from(batch.sel.subarray(0, batch.selCount)), [0, 2]);
});

test('projection: a parser asked only for status reads the right status', () => {
  const lines = [
    COMBINED,
    'frank.mtsu.edu - - [03/Jul/1995:02:41:15 -0400] "GET /images/" HTTP/1.0" 404 - "-" "-"',
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /x HTTP/1.1" 503 7 "-" "agent"',
  ];
  const p = parseText(resolveFormat('combined'), lines.join('\n'), new Set(['status']));
  assert.deepEqual(p.malformed, []);
  const status = p.parser.reader('status');
  assert.ok(status);
  assert.deepEqual(p.rows.map((r) => status.num(p.batch, r)), [200, 404, 503]);
});

test('projection: record() of a projected parser still returns every field', () => {
  const p = parseText(resolveFormat('combined'), COMBINED, new Set(['status']));
  const record = p.parser.record(p.batch, 0);
  assert.equal(record.agent, 'Mozilla/5.0 (Macintosh) Chrome/32.0');
  assert.equal(record.path, '/presentations/kibana.png');
  assert.ok(record.time instanceof Instant);
});

test('projection: asking a reader for another field widens later parses', () => {
  const format = resolveFormat('combined');
  const parser = format.parser(new Set(['status']));
  const agent = parser.reader('agent');
  const path = parser.reader('path');
  assert.ok(agent && path);
  const p = parseText(format, COMBINED);
  parser.parse(p.batch, () => assert.fail('no row is malformed'));
  assert.equal(agent.str(p.batch, 0), 'Mozilla/5.0 (Macintosh) Chrome/32.0');
  assert.equal(path.str(p.batch, 0), '/presentations/kibana.png');
});

test('projection: a reader asked for after parse() completes the rows already parsed', () => {
  const lines = [COMBINED, 'x - - [02/Jul/1995:00:00:06 -0400] "POST /y?z HTTP/1.0" 500 1 "-" "curl"'];
  const p = parseText(resolveFormat('combined'), lines.join('\n'), new Set(['bytes']));
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'agent', r)), ['Mozilla/5.0 (Macintosh) Chrome/32.0', 'curl']);
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'path', r)), ['/presentations/kibana.png', '/y']);
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'status', r)), [200, 500]);
  assert.deepEqual(p.rows.map((r) => numOf(p, 'time', r)), [Date.UTC(2015, 4, 17, 10, 5, 3), Date.UTC(1995, 6, 2, 4, 0, 6)]);
});

test('request parts are split when read, for any row, in any order', () => {
  const lines = [
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /a?b=1 HTTP/1.1" 200 5 "-" "x"',
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "-" 408 - "-" "-"',
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "OPTIONS * HTTP/1.0" 200 - "-" "-"',
  ];
  const p = parseText(resolveFormat('combined'), lines.join('\n'), new Set(['status', 'path', 'method', 'query']));
  assert.deepEqual([2, 0, 1].map((r) => [valueOf(p, 'method', r), valueOf(p, 'path', r), valueOf(p, 'query', r)]), [
    ['OPTIONS', '*', ''],
    ['GET', '/a', 'b=1'],
    ['', '-', ''],
  ]);
  assert.equal(spanText(p, 'path', 0), '/a');
});

test('record(): all fields as Values', () => {
  const p = parseText(resolveFormat('common'), COMMON);
  const record = p.parser.record(p.batch, 0);
  assert.deepEqual(Object.keys(record), [
    'host', 'ident', 'user', 'time', 'request', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes',
  ]);
  assert.equal(record.status, 200);
  assert.equal(record.bytes, 3985);
  assert.equal(String(record.time), '1995-07-01T00:00:06-04:00');
});

test('unknown fields have no reader', () => {
  const parser = resolveFormat('common').parser(null);
  assert.equal(parser.reader('referer'), undefined);
  assert.equal(parser.reader('nope'), undefined);
});

test('sizes sum past 2^31 exactly', () => {
  const line = (n: number): string => `h - - [01/Jul/1995:00:00:06 -0400] "GET / HTTP/1.0" 200 ${n}`;
  const sizes = [2_000_000_000, 2_000_000_000, 9_007_199_254, 3];
  const p = parseText(resolveFormat('common'), sizes.map(line).join('\n'));
  let sum = 0;
  for (const row of p.rows) sum += numOf(p, 'bytes', row);
  assert.equal(sum, 13_007_199_257);
});

test('rows of one batch do not leak into the next (state reused)', () => {
  const format = resolveFormat('common');
  const parser = format.parser(null);
  const first = parseText(format, [COMMON, COMMON].join('\n'));
  parser.parse(first.batch, () => {});
  const second = parseText(format, 'x - - [02/Jul/1995:00:00:06 -0400] "POST /y HTTP/1.0" 500 1');
  parser.parse(second.batch, () => {});
  const method = parser.reader('method');
  assert.equal(method?.str(second.batch, 0), 'POST');
  assert.equal(parser.reader('status')?.num(second.batch, 0), 500);
});

test('projection never changes which lines are malformed', () => {
  const lines = [
    COMBINED,
    '46.118.127.106 - - [20/May/2015:12:05:17 +0000] "GET /configlib.py HTTP/1.1" 200 235 "-" "Mozilla/5.0 (compatible; Googlebot/2.1',
    '1.2.3.4 - - [31/Feb/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"',
    COMBINED,
  ].join('\n');
  for (const needed of [null, new Set<string>(), new Set(['status']), new Set(['host']), new Set(['path']), new Set(['time'])]) {
    const p = parseText(resolveFormat('combined'), lines, needed);
    assert.deepEqual(p.malformed, [1, 2], `needed: ${needed ? [...needed].join(',') || '(none)' : 'null'}`);
    assert.deepEqual(p.rows, [0, 3]);
  }
});
