import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const LINE = '10.0.0.1 - - [17/May/2015:10:05:03 +0000] "GET /a HTTP/1.1" 404 100 "-" "curl/8"\n';

function withLog(fn: (log: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-qprofile-'));
  try {
    const log = join(dir, 'access.log');
    writeFileSync(log, LINE.repeat(50_000));
    fn(log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('--profile stays the stage table; --profile=cpu and --profile=memory add functions and sites by stage below it', () => {
  withLog((log) => {
    const plain = runCli(['--profile', 'count by status', log]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stderr, /^stage\s+in\s+out\s+ms/m);
    assert.doesNotMatch(plain.stderr, /by stage/);
    const cpu = runCli(['--profile=cpu', 'count by status', log]);
    assert.equal(cpu.code, 0, cpu.stderr);
    assert.equal(cpu.stdout, plain.stdout);
    assert.match(cpu.stderr, /^stage\s+in\s+out\s+ms/m);
    assert.match(cpu.stderr, /top 10 functions by self time/);
    assert.match(cpu.stderr, /self time by stage[\s\S]*parse \(formats\)/);
    const memory = runCli(['--profile=memory', 'count by status', log]);
    assert.equal(memory.code, 0, memory.stderr);
    assert.equal(memory.stdout, plain.stdout);
    assert.match(memory.stderr, /allocated in all .* top 10 sites/);
    assert.match(memory.stderr, /allocated by stage[\s\S]*(read \(io\)|parse \(formats\))/);
    assert.match(memory.stderr, /src\/(io|formats)\/[\w/-]+\.ts:\d+ /);
    const bad = runCli(['--profile=disk', 'count', log]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'logsift: --profile=disk: give --profile (the stage table), --profile=cpu or --profile=memory\n');
  });
});
