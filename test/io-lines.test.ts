import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Source } from '../src/core/source.js';
import type { Chunk } from '../src/io/cat.js';
import { lines } from '../src/io/lines.js';
import { RunContext } from '../src/core/run-context.js';

function src(name: string): Source {
  return { name, path: name, size: null };
}

async function* chunksOf(parts: Array<[Source, string[]]>): AsyncGenerator<Chunk> {
  for (const [source, pieces] of parts) {
    for (const p of pieces) yield { source, data: Buffer.from(p), final: false };
    yield { source, data: Buffer.alloc(0), final: true };
  }
}

async function collect(parts: Array<[Source, string[]]>, ctx = new RunContext()) {
  const out: Array<{ source: string; line: number; text: string }> = [];
  for await (const b of lines(ctx)(chunksOf(parts))) {
    for (let i = 0; i < b.selCount; i++) {
      const row = b.sel[i]!;
      out.push({ source: b.source.name, line: b.lineNumber(row), text: b.text(row) });
    }
  }
  return out;
}

test('lines split the same way whatever the chunk borders', async () => {
  const text = 'alpha\nbeta\r\n\ngamma delta\nlast-without-newline';
  const expected = ['alpha', 'beta', '', 'gamma delta', 'last-without-newline'];
  for (let size = 1; size <= text.length; size++) {
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    const got = await collect([[src('a'), pieces]]);
    assert.deepEqual(got.map((l) => l.text), expected, `chunk size ${size}`);
    assert.deepEqual(got.map((l) => l.line), [1, 2, 3, 4, 5]);
  }
});

test('a CR split from its LF by a chunk border is still stripped', async () => {
  const got = await collect([[src('a'), ['one\r', '\ntwo\r', '\n']]]);
  assert.deepEqual(got.map((l) => l.text), ['one', 'two']);
});

test('sources are never glued and line numbers restart per source', async () => {
  const got = await collect([
    [src('x'), ['x1\nx2']],
    [src('y'), ['y1\ny2\n']],
  ]);
  assert.deepEqual(got, [
    { source: 'x', line: 1, text: 'x1' },
    { source: 'x', line: 2, text: 'x2' },
    { source: 'y', line: 1, text: 'y1' },
    { source: 'y', line: 2, text: 'y2' },
  ]);
});

test('over-long lines are cut to the limit, counted and reported, within and across chunks', async () => {
  const ctx = new RunContext({ maxLineLength: 8 });
  const long = 'abcdefghijklmnopqrstuvwxyz';
  // within one chunk, and spread over many small chunks (the carry must stay bounded)
  const got = await collect(
    [
      [src('one'), [`short\n${long}\nok\n`]],
      [src('many'), ['start\n', ...long.split(''), '\nend']],
    ],
    ctx,
  );
  assert.deepEqual(
    got.map((l) => `${l.source}:${l.line}:${l.text}`),
    ['one:1:short', 'one:2:abcdefgh', 'one:3:ok', 'many:1:start', 'many:2:abcdefgh', 'many:3:end'],
  );
  assert.equal(ctx.diagnostics.longLinesTotal, 2);
  assert.match(ctx.diagnostics.summary().join('\n'), /longer than 8 bytes and cut \(first: one:2\)/);
});

test('an over-long final line without newline is cut and counted', async () => {
  const ctx = new RunContext({ maxLineLength: 4 });
  const got = await collect([[src('z'), ['ab\n', 'cdefgh', 'ijk']]], ctx);
  assert.deepEqual(got.map((l) => l.text), ['ab', 'cdef']);
  assert.equal(ctx.diagnostics.longLinesTotal, 1);
});

test('empty input yields no lines; a lone newline yields one empty line', async () => {
  assert.deepEqual(await collect([[src('e'), []]]), []);
  assert.deepEqual((await collect([[src('n'), ['\n']]])).map((l) => l.text), ['']);
});
