import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, RowSchema } from '../src/core/row.js';
import { Instant } from '../src/core/value.js';
import { createWriter } from '../src/output/writer.js';

function render(schema: RowSchema, rows: readonly Row[]): string {
  let text = '';
  const writer = createWriter('table', schema, { write: (s) => (text += s) });
  for (const r of rows) writer.row(r);
  writer.end();
  return text;
}

test('table aligns numbers right and text left, under their headers', () => {
  const text = render({ columns: ['method', 'count', 'sum(bytes)'] }, [
    ['GET', 1234, 2n ** 60n],
    ['DELETE', 7, 0],
    ['PUT', 56, 12],
  ]);
  assert.equal(
    text,
    [
      'method  count           sum(bytes)',
      '------  -----  -------------------',
      'GET      1234  1152921504606846976',
      'DELETE      7                    0',
      'PUT        56                   12',
      '',
    ].join('\n'),
  );
});

test('table marks estimated columns with ~ and says so below', () => {
  const text = render(
    {
      columns: ['status', 'count_distinct(host)', 'p99(bytes)'],
      estimates: { 'count_distinct(host)': '±0.81%', 'p99(bytes)': '±1%' },
    },
    [
      [200, 101234, 48211.5],
      [404, 12, null],
    ],
  );
  assert.equal(
    text,
    [
      'status  count_distinct(host)  p99(bytes)',
      '------  --------------------  ----------',
      '   200               ~101234    ~48211.5',
      '   404                   ~12',
      '~ estimate: count_distinct(host) ±0.81%, p99(bytes) ±1%',
      '',
    ].join('\n'),
  );
});

test('table shows long cells whole, Instants in ISO, control characters escaped, floats rounded', () => {
  const long = 'x'.repeat(80);
  const text = render({ columns: ['time', 'message', 'avg'] }, [
    [new Instant(Date.UTC(1995, 6, 1, 4, 0, 1), -240), 'line one\nline two\tend', 2891.2352941176473],
    [null, long, 0.000123456],
    [null, 'ok', true],
  ]);
  const lines = text.split('\n');
  assert.equal(lines[2], `1995-07-01T00:00:01-04:00  line one\\nline two\\tend${' '.repeat(80 - 23)}  2891.235`);
  assert.equal(lines[3], `${' '.repeat(25)}  ${long}  0.000123`);
  assert.equal(lines[4], `${' '.repeat(25)}  ok${' '.repeat(78)}  true`);
  assert.ok(lines[0].startsWith('time '), 'a column that is not all numbers has its header on the left');
});

test('an empty table still prints its header', () => {
  assert.equal(render({ columns: ['a', 'bb'] }, []), 'a  bb\n-  --\n');
});
