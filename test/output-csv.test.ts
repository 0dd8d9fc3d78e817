import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Row, RowSchema } from '../src/core/row.js';
import { Instant } from '../src/core/value.js';
import { createWriter } from '../src/output/writer.js';

function render(schema: RowSchema, rows: readonly Row[]): string {
  let text = '';
  const writer = createWriter('csv', schema, { write: (s) => (text += s) });
  for (const r of rows) writer.row(r);
  writer.end();
  return text;
}

test('csv quotes fields with commas, quotes, CR or LF, doubling quotes', () => {
  const text = render({ columns: ['agent', 'count', 'note,with comma'] }, [
    ['Mozilla/5.0 (X11; Linux x86_64)', 3, 'plain'],
    ['a, b', 1, 'say "hi"'],
    ['line\nbreak', 2, 'cr\rhere'],
    ['', 0, null],
  ]);
  assert.equal(
    text,
    'agent,count,"note,with comma"\n' +
      'Mozilla/5.0 (X11; Linux x86_64),3,plain\n' +
      '"a, b",1,"say ""hi"""\n' +
      '"line\nbreak",2,"cr\rhere"\n' +
      ',0,\n',
  );
});

test('csv writes Instants in ISO with their offset and bigints exactly', () => {
  const text = render({ columns: ['time', 'sum'] }, [[new Instant(Date.UTC(1995, 6, 1, 4), -240), 2n ** 64n]]);
  assert.equal(text, 'time,sum\n1995-07-01T00:00:00-04:00,18446744073709551616\n');
});

test('csv of no rows is the header alone', () => {
  assert.equal(render({ columns: ['a', 'b'] }, []), 'a,b\n');
});
