import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant } from '../src/core/value.js';
import { resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, strOf, valueOf } from './formats-helpers.js';

const logfmt = resolveFormat('logfmt');

test('logfmt: values, quoted values with escapes, bare keys, numbers', () => {
  const p = parseText(
    logfmt,
    'level=info msg="hello \\"world\\" \\\\ done" status=200 took=1.5 neg=-3 zip="01234" debug path=/a=b empty=',
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'level'), 'info');
  assert.equal(valueOf(p, 'msg'), 'hello "world" \\ done');
  assert.equal(valueOf(p, 'message'), 'hello "world" \\ done', 'message answers from msg');
  assert.equal(valueOf(p, 'status'), 200);
  assert.equal(valueOf(p, 'took'), 1.5);
  assert.equal(valueOf(p, 'neg'), -3);
  assert.equal(valueOf(p, 'zip'), '01234', 'quoted values stay strings');
  assert.equal(numOf(p, 'zip'), 1234);
  assert.equal(valueOf(p, 'debug'), true);
  assert.equal(strOf(p, 'debug'), 'true');
  assert.equal(valueOf(p, 'path'), '/a=b');
  assert.equal(valueOf(p, 'empty'), '');
  assert.equal(valueOf(p, 'absent'), null);
  assert.equal(strOf(p, 'absent'), undefined);
  assert.deepEqual(p.parser.record(p.batch, 0), {
    level: 'info', msg: 'hello "world" \\ done', status: 200, took: 1.5, neg: -3, zip: '01234', debug: true, path: '/a=b', empty: '',
  });
});

test('logfmt: time, level and message aliases', () => {
  const p = parseText(
    logfmt,
    [
      'ts=2024-01-02T03:04:05Z lvl=warn msg=slow',
      'time="2024-01-02 03:04:05.250" severity=ERROR message=boom',
      'timestamp=1700000000 level=debug',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, []);
  const t0 = valueOf(p, 'time', 0);
  assert.ok(t0 instanceof Instant);
  assert.equal(t0.ms, Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(valueOf(p, 'level', 0), 'warn');
  assert.equal(valueOf(p, 'message', 0), 'slow');
  assert.equal(numOf(p, 'time', 1), Date.UTC(2024, 0, 2, 3, 4, 5, 250));
  assert.equal(valueOf(p, 'level', 1), 'ERROR');
  assert.equal(valueOf(p, 'message', 1), 'boom');
  assert.equal(numOf(p, 'time', 2), 1700000000000);
});

test('logfmt: lines that are not logfmt are malformed, selection in order', () => {
  const p = parseText(
    logfmt,
    [
      'a=1',
      'free text a=b',
      '2024-01-02T03:04:05Z INFO x=1',
      'a="unclosed',
      'a="x"y',
      '{"a": 1}',
      '',
      'b=2 c',
    ].join('\n'),
  );
  assert.deepEqual(p.malformed, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(p.rows, [0, 7]);
  assert.equal(valueOf(p, 'b', 7), 2);
  assert.equal(valueOf(p, 'c', 7), true);
});

test('logfmt: the first of repeated keys wins; state does not leak between batches', () => {
  const parser = logfmt.parser(null);
  const first = parseText(logfmt, 'a=1 a=2\nb=3');
  parser.parse(first.batch, () => {});
  assert.equal(parser.reader('a')?.value(first.batch, 0), 1);
  const second = parseText(logfmt, 'c=4');
  parser.parse(second.batch, () => {});
  assert.equal(parser.reader('a')?.value(second.batch, 0), null);
  assert.equal(parser.reader('c')?.value(second.batch, 0), 4);
});

test('logfmt: many pairs grow the pair store', () => {
  const line = Array.from({ length: 50 }, (_, i) => `k${i}=${i}`).join(' ');
  const p = parseText(logfmt, Array.from({ length: 200 }, () => line).join('\n'));
  assert.equal(p.malformed.length, 0);
  assert.equal(valueOf(p, 'k49', 199), 49);
  assert.equal(valueOf(p, 'k0', 0), 0);
});

test('logfmt: keys named like Object.prototype members are plain keys', () => {
  const p = parseText(logfmt, 'constructor=1 __proto__=2');
  assert.equal(valueOf(p, 'constructor'), 1);
  assert.equal(valueOf(p, 'toString'), null);
  const record = p.parser.record(p.batch, 0);
  assert.deepEqual(Object.keys(record), ['constructor', '__proto__']);
  assert.equal(record.__proto__ as unknown, 2);
});
