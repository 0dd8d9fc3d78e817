/**
 * The command line as a table of modes: the query is always the first argument (no guessing),
 * reserved mode names are never read as a query, `fields` lists what a log yields, and a query is
 * checked against every format it meets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const COMMON = '10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 200 100';
const COMBINED_BOT = '10.0.0.2 - - [17/May/2015:10:05:04 +0000] "GET /b HTTP/1.1" 200 50 "-" "Googlebot/2.1"';
const COMBINED_HUMAN = '10.0.0.3 - - [17/May/2015:10:05:05 +0000] "GET /c HTTP/1.1" 404 10 "-" "Mozilla/5.0"';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-modes-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a reserved mode name is never read as a query: it says it is not available yet (exit 2)', () => {
  for (const mode of ['report', 'worker']) {
    const r = runCli([mode, 'x.log']);
    assert.equal(r.code, 2, mode);
    assert.equal(r.stderr, `logsift: '${mode}' is not available yet in this version of logsift\n`);
  }
});

test('the first argument is the query, whatever files are called', () => {
  withDir((dir) => {
    const file = join(dir, 'count'); // a file named like a query
    writeFileSync(file, `${COMMON}\n${COMMON}\n`);
    const r = runCli(['count', '--csv', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'count\n2\n');
    const printed = runCli(['', file]);
    assert.equal(printed.stdout, `${COMMON}\n${COMMON}\n`);
    const given = runCli(['-q', 'count', '--csv', file]);
    assert.equal(given.stdout, 'count\n2\n', 'with -q every positional is a path');
  });
});

test('a path given where the query goes gets a hint, not a guess', () => {
  withDir((dir) => {
    const file = join(dir, 'access.log');
    writeFileSync(file, `${COMMON}\n`);
    const r = runCli([file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give the query first: logsift '' .*access\.log/);
  });
});

test('each mode has its own --help; the default help shows the query options and the modes', () => {
  const top = runCli(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /--jobs <n>/);
  assert.match(top.stdout, /Other commands: fields, trace, follow, inspect, report, worker/);
  const fields = runCli(['fields', '--help']);
  assert.equal(fields.code, 0);
  assert.match(fields.stdout, /Usage: logsift fields/);
});

test('logsift fields lists the fields of the detected format, with types and a sample value', () => {
  withDir((dir) => {
    const access = join(dir, 'access.log');
    writeFileSync(access, `${COMBINED_BOT}\n${COMBINED_HUMAN}\n`);
    const json = join(dir, 'app.json');
    writeFileSync(json, '{"level":"info","n":1}\n{"level":"warn","n":"x","extra":true}\n');
    const r = runCli(['fields', '--json', access, json]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { source: string; format: string; field: string; type: string; sample: unknown }[];
    const accessRows = rows.filter((x) => x.source === access);
    assert.ok(accessRows.every((x) => x.format === 'combined'));
    assert.deepEqual(accessRows.find((x) => x.field === 'agent'), { source: access, format: 'combined', field: 'agent', type: 'string', sample: 'Googlebot/2.1' });
    assert.deepEqual(accessRows.find((x) => x.field === 'status')?.type, 'number');
    const jsonRows = rows.filter((x) => x.source === json);
    // `line`, the raw line, is every format's field (issue 8); its sample is the first line.
    assert.deepEqual(jsonRows.map((x) => [x.field, x.type]), [['level', 'string'], ['n', 'mixed'], ['extra', 'boolean'], ['line', 'string']]);
    assert.equal(jsonRows[3]!.sample, '{"level":"info","n":1}');
  });
});

test('a directory mixing formats: a field only some formats have works in either order', () => {
  for (const order of [['a-common.log', 'b-combined.log'], ['b-common.log', 'a-combined.log']]) {
    withDir((dir) => {
      const logs = join(dir, 'logs');
      mkdirSync(logs);
      writeFileSync(join(logs, order[0]!.includes('common') ? order[0]! : order[1]!), `${COMMON}\n`);
      writeFileSync(join(logs, order[0]!.includes('combined') ? order[0]! : order[1]!), `${COMBINED_BOT}\n${COMBINED_HUMAN}\n`);
      const r = runCli(['agent contains "bot" | count', '--csv', logs]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'count\n1\n');
      assert.match(r.stderr, /\(common\): unknown field 'agent'.*read as missing there/);
    });
  }
});

test('a field no format of the run has is a query error (exit 2)', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'a.log'), `${COMMON}\n`);
    writeFileSync(join(dir, 'b.log'), `${COMBINED_BOT}\n`);
    const r = runCli(['agnet contains "bot" | count', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown field 'agnet' \(did you mean 'agent'\?\)/);
    assert.equal(r.stdout, '', 'nothing is printed before the error');
  });
});
