import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant } from '../src/core/value.js';
import { resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, readData, skipMessage, strOf, valueOf } from './formats-helpers.js';

const json = resolveFormat('json');

test('json: keys, nested objects flattened to a.b, arrays as JSON text', () => {
  const p = parseText(json, '{"a": 1, "b": {"c": "x", "d": {"e": true}}, "list": [1, 2], "n": null}');
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'a'), 1);
  assert.equal(valueOf(p, 'b.c'), 'x');
  assert.equal(valueOf(p, 'b.d.e'), true);
  assert.equal(valueOf(p, 'list'), '[1,2]');
  assert.equal(valueOf(p, 'n'), null);
  assert.equal(valueOf(p, 'missing'), null);
  assert.equal(strOf(p, 'missing'), undefined);
  assert.ok(Number.isNaN(numOf(p, 'missing')));
  assert.equal(strOf(p, 'a'), '1');
  assert.deepEqual(p.parser.record(p.batch, 0), { a: 1, 'b.c': 'x', 'b.d.e': true, list: '[1,2]', n: null });
});

test('json: readers exist for any name; fields is null', () => {
  assert.equal(json.fields, null);
  const parser = json.parser(null);
  assert.ok(parser.reader('anything'));
  assert.ok(parser.reader('constructor'));
  const p = parseText(json, '{"a": 1}');
  assert.equal(valueOf(p, 'constructor'), null, 'no prototype keys leak');
  assert.equal(valueOf(p, '__proto__'), null);
});

test('json: canonical names answer from aliases; the canonical key wins', () => {
  const p = parseText(
    json,
    [
      '{"remote_ip": "1.2.3.4", "response": 304, "referrer": "-", "user_agent": "curl", "severity": "WARN", "msg": "hi", "request": "GET /a?b=1 HTTP/1.1", "bytes": 0}',
      '{"host": "h", "remote_ip": "1.2.3.4", "status_code": "500", "level": "error", "message": "m", "msg": "other"}',
    ].join('\n'),
  );
  assert.equal(valueOf(p, 'host', 0), '1.2.3.4');
  assert.equal(valueOf(p, 'status', 0), 304);
  assert.equal(valueOf(p, 'referer', 0), '-');
  assert.equal(valueOf(p, 'agent', 0), 'curl');
  assert.equal(valueOf(p, 'level', 0), 'WARN');
  assert.equal(valueOf(p, 'message', 0), 'hi');
  assert.equal(valueOf(p, 'method', 0), 'GET');
  assert.equal(valueOf(p, 'url', 0), '/a?b=1');
  assert.equal(valueOf(p, 'path', 0), '/a');
  assert.equal(valueOf(p, 'query', 0), 'b=1');
  assert.equal(valueOf(p, 'protocol', 0), 'HTTP/1.1');
  assert.equal(valueOf(p, 'host', 1), 'h');
  assert.equal(valueOf(p, 'status', 1), 500, 'a numeric status text reads as a number');
  assert.equal(valueOf(p, 'message', 1), 'm');
  assert.equal(valueOf(p, 'method', 1), null);
});

test('json: time from time/timestamp/@timestamp/ts as ISO, CLF or epoch', () => {
  const p = parseText(
    json,
    [
      '{"time": "17/May/2015:08:05:32 +0000"}',
      '{"timestamp": "2024-01-02T03:04:05.678+02:00"}',
      '{"@timestamp": "2024-01-02 03:04:05"}',
      '{"ts": 1700000000}',
      '{"ts": 1700000000123}',
      '{"ts": 1700000000.5}',
      '{"time": "yesterday"}',
      '{"other": 1}',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(numOf(p, 'time', 0), Date.UTC(2015, 4, 17, 8, 5, 32));
  const t1 = valueOf(p, 'time', 1);
  assert.ok(t1 instanceof Instant);
  assert.equal(t1.ms, Date.UTC(2024, 0, 2, 1, 4, 5, 678));
  assert.equal(t1.offsetMinutes, 120);
  assert.equal(numOf(p, 'time', 2), Date.UTC(2024, 0, 2, 3, 4, 5), 'no zone: UTC');
  assert.equal(numOf(p, 'time', 3), 1700000000000);
  assert.equal(numOf(p, 'time', 4), 1700000000123);
  assert.equal(numOf(p, 'time', 5), 1700000000500);
  assert.equal(valueOf(p, 'time', 6), null);
  assert.equal(strOf(p, 'time', 6), 'yesterday');
  assert.equal(valueOf(p, 'time', 7), null);
});

test('json: non-objects and broken lines are malformed, selection stays in order', () => {
  const p = parseText(json, ['{"a":1}', '[1,2]', '{"a":', '"text"', '', '{"a":2}', 'plain'].join('\n'));
  assert.deepEqual(p.malformed, [1, 2, 3, 4, 6]);
  assert.deepEqual(p.rows, [0, 5]);
  assert.equal(valueOf(p, 'a', 5), 2);
});

test('json: CRLF lines (the engine strips the \\r)', () => {
  const p = parseText(json, '{"a": 1}\r\n{"a": 2}\r\n{"a": 3}');
  assert.deepEqual(p.malformed, []);
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'a', r)), [1, 2, 3]);
});

test('json: the nginx JSON access log (real data)', (t) => {
  const buf = readData('nginx-elastic/nginx.log');
  if (!buf) return t.skip(skipMessage('nginx-elastic/nginx.log'));
  const p = parseText(json, buf);
  assert.equal(p.batch.count, 8130);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host', 0), '93.180.71.3');
  assert.equal(valueOf(p, 'status', 0), 304);
  assert.equal(valueOf(p, 'bytes', 0), 0);
  assert.equal(valueOf(p, 'method', 0), 'GET');
  assert.equal(valueOf(p, 'path', 0), '/downloads/product_1');
  assert.equal(valueOf(p, 'agent', 0), 'Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)');
  assert.equal(numOf(p, 'time', 0), Date.UTC(2015, 4, 17, 8, 5, 32));
  // Every line has a status and a time.
  let withStatus = 0;
  let withTime = 0;
  for (const row of p.rows) {
    if (Number.isInteger(numOf(p, 'status', row))) withStatus++;
    if (valueOf(p, 'time', row) instanceof Instant) withTime++;
  }
  assert.equal(withStatus, 8130);
  assert.equal(withTime, 8130);
});
