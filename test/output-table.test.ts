import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, RowSchema } from '../src/core/row.js';
import { Instant } from '../src/core/value.js';
import { createWriter } from '../src/output/writer.js';
import { SAMPLE_ROWS, tableWriter } from '../src/output/table.js';

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

/** Renders with a chosen sample size; `chunks` are the writes `out` received, in order. */
function renderSampled(schema: RowSchema, rows: Iterable<Row>, sampleRows: number): { text: string; chunks: string[] } {
  const chunks: string[] = [];
  const writer = tableWriter(schema, { write: (s) => chunks.push(s) }, { sampleRows });
  for (const r of rows) writer.row(r);
  writer.end();
  return { text: chunks.join(''), chunks };
}

test('a result within the sample is sized by every row, byte for byte as before', () => {
  const schema: RowSchema = { columns: ['method', 'count'], estimates: { count: '±1%' } };
  const rows: Row[] = [['GET', 1234], ['DELETE', 7], [null, null]];
  const expected = [
    'method  count',
    '------  -----',
    'GET     ~1234',
    'DELETE     ~7',
    '',
    '~ estimate: count ±1%',
    '',
  ].join('\n');
  assert.equal(render(schema, rows), expected);
  assert.equal(renderSampled(schema, rows, rows.length + 1).text, expected, 'sample not full at end()');
  assert.equal(renderSampled(schema, rows, rows.length).text, expected, 'sample full on the last row');
});

test('past the sample, rows stream with the widths of the sample; a long late cell is written whole', () => {
  const long = 'h'.repeat(40);
  const rows: Row[] = [];
  for (let i = 0; i < 5000; i++) rows.push([i === 4321 ? long : `h${i % 10}`, i % 100]);
  const { text } = renderSampled({ columns: ['host', 'n'], estimates: { n: '±2%' } }, rows, 100);
  const lines = text.split('\n');
  assert.equal(lines[0], 'host    n');
  assert.equal(lines[1], '----  ---');
  assert.equal(lines.filter((l) => l.startsWith('----')).length, 1, 'one rule');
  assert.equal(lines.filter((l) => l.startsWith('host')).length, 1, 'one header');
  assert.equal(lines.length, 2 + 5000 + 2, 'header, rule, rows, footer, final newline');
  for (let i = 0; i < 5000; i++) {
    const host = i === 4321 ? long : `h${i % 10}`;
    const n = `~${i % 100}`;
    assert.equal(lines[2 + i], `${host.padEnd(4)}  ${n.padStart(3)}`, `row ${i}`);
  }
  assert.equal(lines[5002], '~ estimate: n ±2%');
  assert.equal(lines[5003], '');
});

test('widths and header alignment stay as the sample set them', () => {
  const rows: Row[] = [[1], [22], ['wide text'], [333333]];
  const { text } = renderSampled({ columns: ['v'] }, rows, 2);
  // The header stays on the right (the sample was all numbers) over a later text cell.
  assert.equal(text, [' v', '--', ' 1', '22', 'wide text', '333333', ''].join('\n'));
});

test('flush pushes buffered rows once the header is out, and nothing before', () => {
  const chunks: string[] = [];
  const writer = tableWriter({ columns: ['a'] }, { write: (s) => chunks.push(s) }, { sampleRows: 3 });
  writer.row(['x']);
  writer.row(['y']);
  writer.flush();
  assert.deepEqual(chunks, [], 'the sample is not full: widths unknown');
  writer.row(['z']);
  writer.row(['w']);
  writer.flush();
  assert.deepEqual(chunks, ['a\n-\nx\ny\nz\nw\n']);
  writer.end();
  assert.deepEqual(chunks, ['a\n-\nx\ny\nz\nw\n']);
});

test('a long table streams: text goes out in chunks before end()', () => {
  const rowsCount = 200_000;
  assert.ok(SAMPLE_ROWS < rowsCount, 'the default sample is passed');
  let writes = 0;
  let chars = 0;
  const writer = createWriter('table', { columns: ['host', 'status'] }, {
    write: (s) => {
      writes++;
      chars += s.length;
    },
  });
  for (let i = 0; i < rowsCount; i++) writer.row([`host-${i % 1000}`, 200 + (i % 5)]);
  const writesBeforeEnd = writes;
  const charsBeforeEnd = chars;
  writer.end();
  const rowChars = 'host-999  status'.length + 1;
  assert.ok(writesBeforeEnd > 1, 'rows went out before end()');
  assert.ok(writesBeforeEnd < rowsCount / 100, 'through BufferedOut, not one write per row');
  assert.ok(charsBeforeEnd > chars / 2, 'most of the text was out before end()');
  assert.equal(chars, (rowsCount + 2) * rowChars, 'header, rule and every row, all one width');
});

test('sampleRows must be a positive integer', () => {
  assert.throws(() => tableWriter({ columns: ['a'] }, { write: () => {} }, { sampleRows: 0 }), RangeError);
  assert.throws(() => tableWriter({ columns: ['a'] }, { write: () => {} }, { sampleRows: 1.5 }), RangeError);
});
