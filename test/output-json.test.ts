import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, RowSchema } from '../src/core/row.js';
import { Instant } from '../src/core/value.js';
import { createWriter, type WriterKind } from '../src/output/writer.js';

function render(kind: WriterKind, schema: RowSchema, rows: readonly Row[]): string {
  let text = '';
  const writer = createWriter(kind, schema, { write: (s) => (text += s) });
  for (const r of rows) writer.row(r);
  writer.end();
  return text;
}

const schema: RowSchema = { columns: ['time', 'sum(bytes)', 'host', 'avg', 'ok', 'missing'] };
const rows: Row[] = [
  [new Instant(Date.UTC(1995, 6, 1, 4, 0, 1), -240), 2n ** 64n + 1n, 'a "quoted"\nhost', 2.5, true, null],
  [new Instant(Date.UTC(2015, 4, 17, 10, 5, 3, 250), 0), 42, 'b', NaN, false, null],
];

test('json is one array of row objects with exact bigints, ISO Instants and nulls', () => {
  const text = render('json', schema, rows);
  assert.equal(
    text,
    '[\n' +
      '{"time":"1995-07-01T00:00:01-04:00","sum(bytes)":18446744073709551617,"host":"a \\"quoted\\"\\nhost","avg":2.5,"ok":true,"missing":null},\n' +
      '{"time":"2015-05-17T10:05:03.250Z","sum(bytes)":42,"host":"b","avg":null,"ok":false,"missing":null}\n' +
      ']\n',
  );
  const parsed = JSON.parse(text) as Record<string, unknown>[];
  assert.equal(parsed.length, 2);
  assert.equal(parsed[0].host, 'a "quoted"\nhost');
  // The digits are exact in the text; JSON.parse rounds them, a bigint-aware reader does not.
  assert.match(text, /:18446744073709551617,/);
});

test('json of no rows is an empty array', () => {
  assert.equal(render('json', { columns: ['a'] }, []), '[]\n');
});

test('ndjson writes one object per line', () => {
  const text = render('ndjson', { columns: ['status', 'count'] }, [
    [200, 10],
    [404, 2n ** 53n + 1n],
  ]);
  assert.equal(text, '{"status":200,"count":10}\n{"status":404,"count":9007199254740993}\n');
  assert.equal(render('ndjson', { columns: ['a'] }, []), '');
});

test('writers buffer small writes and flush at the end', () => {
  const writes: string[] = [];
  const writer = createWriter('ndjson', { columns: ['n'] }, { write: (s) => writes.push(s) });
  for (let i = 0; i < 100; i++) writer.row([i]);
  assert.equal(writes.length, 0);
  writer.flush();
  assert.equal(writes.length, 1);
  writer.row([100]);
  writer.end();
  assert.equal(writes.join('').split('\n').length, 102);
});
