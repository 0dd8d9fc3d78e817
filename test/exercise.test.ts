/**
 * The headline exercise: a million application-log lines, of which exactly every tenth is ERROR;
 * `logsift 'level == "ERROR"' FILE` must print exactly those 100,000 lines, unchanged and in order,
 * and `--profile` must show where the time went and the peak memory.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applogChunks, ERROR_EVERY, writeApplog } from '../bench/generate-applog.js';

const CLI = fileURLToPath(new URL('../logsift.mjs', import.meta.url)); // the shipped bundle
const LINES = 1_000_000;
const SEED = 7;
const QUERY = 'level == "ERROR"';

let dir = '';
let file = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-exercise-'));
  file = join(dir, 'app.log');
  writeApplog(file, { lines: LINES, seed: SEED });
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface CliRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runCli(args: string[]): Promise<CliRun> {
  assert.ok(existsSync(CLI), `the CLI is not built: ${CLI} (run npx tsc -p .)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

/** Input lines 10, 20, 30, ... as the generator makes them (it is deterministic). */
function expectedErrorLines(): string[] {
  const expected: string[] = [];
  let lineNo = 0;
  for (const chunk of applogChunks({ lines: LINES, seed: SEED })) {
    // Chunks always end at a line end, so each splits into whole lines.
    const lines = chunk.toString('latin1').split('\n');
    lines.pop();
    for (const line of lines) {
      lineNo++;
      if (lineNo % ERROR_EVERY === 0) expected.push(line);
    }
  }
  assert.equal(lineNo, LINES);
  return expected;
}

function outputLines(stdout: Buffer): string[] {
  const text = stdout.toString('utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'output ends with a newline');
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

test(`level == "ERROR" over ${LINES.toLocaleString('en-US')} lines prints exactly input lines 10, 20, 30, ...`, async () => {
  const run = await runCli(['--no-progress', QUERY, file]);
  assert.equal(run.code, 0, `exit code; stderr: ${run.stderr}`);
  const actual = outputLines(run.stdout);
  const expected = expectedErrorLines();
  assert.equal(expected.length, LINES / ERROR_EVERY);
  assert.ok(expected.every((line) => line.slice(24, 31) === ' ERROR '), 'the generator made ERROR lines');

  assert.equal(actual.length, expected.length, 'number of output lines');
  const firstDiff = actual.findIndex((line, i) => line !== expected[i]);
  assert.equal(
    firstDiff,
    -1,
    firstDiff < 0
      ? ''
      : `output line ${firstDiff + 1} should be input line ${(firstDiff + 1) * ERROR_EVERY}:\n` +
          `  expected: ${expected[firstDiff]}\n  actual:   ${actual[firstDiff]}`,
  );
});

/** A stage row's numbers, with thousands separators removed. */
function numbersIn(row: string): number[] {
  return (row.match(/\d[\d,]*(?:\.\d+)?/g) ?? []).map((s) => Number(s.replace(/,/g, '')));
}

test('--profile prints the stage table, peak heap and peak RSS on stderr, and the same output', async () => {
  const run = await runCli(['--no-progress', '--profile', QUERY, file]);
  assert.equal(run.code, 0, `exit code; stderr: ${run.stderr}`);
  assert.equal(outputLines(run.stdout).length, LINES / ERROR_EVERY, 'profiling does not change the output');

  const lines = run.stderr.split('\n');
  const header = lines.findIndex((l) => /\bstage\b/.test(l));
  assert.ok(header >= 0, `no header line with "stage" in:\n${run.stderr}`);
  const heap = lines.findIndex((l, i) => i > header && l.startsWith('peak heap'));
  const rss = lines.findIndex((l, i) => i > header && l.startsWith('peak RSS'));
  assert.ok(heap > header, `no "peak heap" line after the table:\n${run.stderr}`);
  assert.ok(rss > header, `no "peak RSS" line after the table:\n${run.stderr}`);
  assert.match(lines[rss]!, /^peak RSS\s+\d+(\.\d+)?\s*(MB|MiB)\b/);
  assert.match(lines[heap]!, /^peak heap\s+\d+(\.\d+)?\s*(MB|MiB)\b/);

  const rows = lines.slice(header + 1, heap).filter((l) => l.trim() !== '' && !/^[-=\s]+$/.test(l));
  const parse = rows.find((r) => /parse/i.test(r));
  const filter = rows.find((r) => /filter|where/i.test(r));
  assert.ok(parse, `no parse stage row in:\n${run.stderr}`);
  assert.ok(filter, `no filter stage row in:\n${run.stderr}`);
  // The stage counts tell the truth: a million lines went in somewhere, 100,000 came out of the filter.
  assert.ok(
    rows.some((r) => numbersIn(r).includes(LINES)),
    `no stage row counts ${LINES} records:\n${run.stderr}`,
  );
  assert.ok(numbersIn(filter).includes(LINES / ERROR_EVERY), `the filter row does not count 100,000 records: ${filter}`);
});
