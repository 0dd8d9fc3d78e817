import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant } from '../src/core/value.js';
import { resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, spanText, strOf, valueOf } from './formats-helpers.js';

const applog = resolveFormat('applog');

test('applog: ISO timestamp, level, message', () => {
  const p = parseText(applog, '2024-01-02T03:04:05.678Z INFO server started on :8080');
  assert.deepEqual(p.malformed, []);
  const time = valueOf(p, 'time');
  assert.ok(time instanceof Instant);
  assert.equal(time.ms, Date.UTC(2024, 0, 2, 3, 4, 5, 678));
  assert.equal(time.offsetMinutes, 0);
  assert.equal(valueOf(p, 'level'), 'INFO');
  assert.equal(valueOf(p, 'message'), 'server started on :8080');
  assert.equal(valueOf(p, 'thread'), null);
  assert.equal(valueOf(p, 'logger'), null);
  assert.equal(strOf(p, 'thread'), undefined);
  assert.equal(spanText(p, 'level'), 'INFO');
  assert.equal(strOf(p, 'time'), '2024-01-02T03:04:05.678Z');
});

test('applog: the shapes of log4j, logback, Python and bracketed logs', () => {
  const p = parseText(
    applog,
    [
      '2024-01-02 03:04:05,678 ERROR [main] com.example.Foo - connection refused',
      '2024-01-02 03:04:05.678 [worker-1] WARN  com.example.Bar - slow query: 1200 ms',
      '[2024-01-02T03:04:05+01:00] [DEBUG] cache miss',
      '2024-01-02 03:04:05,678 - app.db - WARNING - disk almost full',
      '2024-01-02T03:04:05-0500   error:   lowercase and padded',
      '2024-01-02T03:04:05.123456789+05:30 FATAL [pool-1 thread-3] out of memory',
      '2024-01-02 03:04:05 CRITICAL x - ',
      '2024-01-02T03:04:05Z TRACE',
      '2024-01-02 03:04:05,678 - INFO - no logger here',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  const rows = p.rows.map((r) => p.parser.record(p.batch, r));
  assert.deepEqual(
    rows.map((r) => [r.level, r.thread, r.logger, r.message]),
    [
      ['ERROR', 'main', 'com.example.Foo', 'connection refused'],
      ['WARN', 'worker-1', 'com.example.Bar', 'slow query: 1200 ms'],
      ['DEBUG', null, null, 'cache miss'],
      ['WARNING', null, 'app.db', 'disk almost full'],
      ['error', null, null, 'lowercase and padded'],
      ['FATAL', 'pool-1 thread-3', null, 'out of memory'],
      ['CRITICAL', null, 'x', ''],
      ['TRACE', null, null, ''],
      ['INFO', null, null, 'no logger here'],
    ],
  );
  assert.equal(numOf(p, 'time', 0), Date.UTC(2024, 0, 2, 3, 4, 5, 678), 'no zone: UTC');
  assert.equal(numOf(p, 'time', 2), Date.UTC(2024, 0, 2, 2, 4, 5));
  assert.equal((valueOf(p, 'time', 2) as Instant).offsetMinutes, 60);
  assert.equal(numOf(p, 'time', 4), Date.UTC(2024, 0, 2, 8, 4, 5));
  assert.equal(numOf(p, 'time', 5), Date.UTC(2024, 0, 1, 21, 34, 5, 123));
});

test('applog: lines without a timestamp and a level are malformed, selection in order', () => {
  const p = parseText(
    applog,
    [
      '2024-01-02T03:04:05Z INFO ok',
      '\tat com.example.Foo.bar(Foo.java:42)',
      '2024-01-02T03:04:05Z HELLO not a level',
      '2024-13-02T03:04:05Z INFO bad month',
      '2024-01-02T03:04:05ZINFO glued',
      '2024-01-02T03:04:05Z [main] not a level either',
      '',
      '2024-01-02T03:04:06Z ERROR boom',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(p.rows, [0, 7]);
});

test('applog: projection on level alone (the level == "ERROR" hot path)', () => {
  const lines = [
    '2024-01-02T03:04:05Z INFO a',
    '2024-01-02 03:04:05,000 ERROR [main] x - b',
    '2024-01-02 03:04:05.000 [t] ERROR c',
    '2024-01-02T03:04:05Z WARN d',
  ];
  const p = parseText(applog, lines.join('\n'), new Set(['level']));
  assert.deepEqual(p.malformed, []);
  assert.deepEqual(p.rows.map((r) => spanText(p, 'level', r)), ['INFO', 'ERROR', 'ERROR', 'WARN']);
  const record = p.parser.record(p.batch, 1);
  assert.equal(record.message, 'b', 'record() scans the rest of a projected row');
  assert.equal(record.logger, 'x');
});

test('applog: fields and types', () => {
  assert.deepEqual(
    applog.fields?.map((f) => `${f.name}:${f.type}`),
    ['time:time', 'level:string', 'message:string', 'thread:string', 'logger:string', 'line:string'],
  );
  assert.equal(applog.parser(null).reader('status'), undefined);
});

test('applog: a reader asked for after parse() completes the rows already parsed', () => {
  const lines = ['2024-01-02 03:04:05,000 ERROR [main] x - b', '2024-01-03T00:00:01.5Z [t] WARN c'];
  const p = parseText(applog, lines.join('\n'), new Set(['level']));
  // Only the level was stored; the message and the time were not.
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'message', r)), ['b', 'c']);
  assert.deepEqual(p.rows.map((r) => valueOf(p, 'thread', r)), ['main', 't']);
  assert.deepEqual(p.rows.map((r) => numOf(p, 'time', r)), [Date.UTC(2024, 0, 2, 3, 4, 5), Date.UTC(2024, 0, 3, 0, 0, 1, 500)]);
});

test('applog: level words in any case, with a colon, and near misses', () => {
  const levels = ['info', 'WARN', 'Error', 'debug', 'TRACE', 'fatal', 'NOTICE', 'Severe', 'warning', 'CRITICAL', 'error:'];
  const misses = ['inf', 'infos', 'erro', 'errors', 'warnin', 'warnings', 'critica1', 'notic', 'sever', 'trace_', 'i\u00f1fo'];
  const text = [...levels, ...misses].map((word) => `2024-01-02T03:04:05Z ${word} m`).join('\n');
  const p = parseText(applog, text, new Set(['level']));
  assert.deepEqual(p.rows.map((r) => spanText(p, 'level', r)), [...levels.slice(0, -1), 'error']);
  assert.deepEqual(p.malformed, misses.map((_, k) => levels.length + k));
});
