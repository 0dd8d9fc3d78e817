/**
 * `contains` on spans searches forward through the batch (one native search serves many rows):
 * checked against String.includes on random lines, with selections thinned by an earlier test,
 * on the raw line, on a field inside it, and on JSON values that may be decoded copies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './support/cli.js';
import { seededRandom as random } from './support/random.js';


function word(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += 'abc'[Math.floor(next() * 3)];
  return s;
}

test('line contains and field contains agree with String.includes over many rows', () => {
  const next = random(7);
  const rows: { status: number; msg: string; line: string }[] = [];
  for (let i = 0; i < 3000; i++) {
    const status = 200 + Math.floor(next() * 4) * 100;
    const msg = word(next, Math.floor(next() * 12));
    rows.push({ status, msg, line: `level=info status=${status} msg=${msg}` });
  }
  const input = rows.map((r) => r.line).join('\n') + '\n';
  for (const lit of ['a', 'abc', 'cab', 'bbbb', 'status=3', 'zz']) {
    const all = runCli([`line contains "${lit}" | count`, '--csv'], { input });
    assert.equal(all.stdout, `count\n${rows.filter((r) => r.line.includes(lit)).length}\n`, lit);
    const thinned = runCli([`status >= 400 and line contains "${lit}"`], { input });
    const want = rows.filter((r) => r.status >= 400 && r.line.includes(lit)).map((r) => `${r.line}\n`).join('');
    assert.equal(thinned.stdout, want, `thinned ${lit}`);
    const field = runCli([`msg contains "${lit}" | count`, '--csv'], { input });
    assert.equal(field.stdout, `count\n${rows.filter((r) => r.msg.includes(lit)).length}\n`, `msg ${lit}`);
  }
});

test('contains on JSON strings with escapes (decoded copies) is searched on its own', () => {
  const lines = ['{"m":"a\\"bc"}', '{"m":"xbc"}', '{"m":"\\u0062c"}', '{"m":"b"}', '{"m":"q\\\\bc"}'];
  const r = runCli(['m contains "bc" | count', '--csv'], { input: lines.join('\n') + '\n' });
  assert.equal(r.stdout, 'count\n4\n');
});
