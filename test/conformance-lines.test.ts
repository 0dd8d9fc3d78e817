import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ALL_TEXT_FILES,
  BASJES_HACKERS,
  JAVAGROK,
  NASA,
  NGINX_COMBINED,
  NGINX_JSON,
  dataPath,
  sift,
  skipUnlessData as skip,
} from './support/shared-data.js';
import { awk, wcLinesCorrected } from './support/shell.js';
import { readLogLines } from './support/reference.js';
import { awkStatusCounts } from './support/awk-queries.js';
import { assertSameCounts, assertSameLines, describe, rowsToCounts, scalar, jsonRows } from './support/conformance.js';

/**
 * Lines in, lines out: with no query logsift prints every line, so its output must be the file's
 * lines exactly. The expected line count is `wc -l` plus one when the file does not end with
 * "\n" (support/shell.ts wcLinesCorrected); the expected text is the file split on "\n" with a
 * CRLF "\r" removed (support/reference.ts readLogLines).
 */

for (const file of ALL_TEXT_FILES) {
  test(`no query prints every line of ${file} unchanged`, { skip }, () => {
    const r = sift(['', file]);
    assert.equal(r.code, 0, describe([file], r));
    const expected = readLogLines(dataPath(file));
    assert.equal(expected.length, wcLinesCorrected(dataPath(file)));
    assertSameLines(r.stdout, expected, file);
  });
}

/**
 * The NASA split files have no final newline. Given together, the last line of each file and the
 * first line of the next must come out as two intact lines: 133,423 lines in all, not 133,414.
 */
test('the ten NASA files together: the sum of their line counts, junction lines intact', { skip }, () => {
  const r = sift(['', ...NASA]);
  assert.equal(r.code, 0, describe(['', ...NASA], r));
  const perFile = NASA.map((f) => readLogLines(dataPath(f)));
  const total = NASA.reduce((sum, f) => sum + wcLinesCorrected(dataPath(f)), 0);
  assert.equal(total, 133_423);
  const out = r.stdout.split('\n');
  assert.equal(out.pop(), '', 'output ends with "\\n"');
  assert.equal(out.length, total, 'number of lines printed');
  // Each junction: the last line of file i, then the first line of file i+1, both whole.
  let offset = 0;
  for (let i = 0; i < perFile.length - 1; i++) {
    offset += perFile[i]!.length;
    const last = perFile[i]![perFile[i]!.length - 1]!;
    const first = perFile[i + 1]![0]!;
    assert.equal(out[offset - 1], last, `last line of ${NASA[i]}`);
    assert.equal(out[offset], first, `first line of ${NASA[i + 1]}`);
  }
  assertSameLines(r.stdout, perFile.flat(), 'ten NASA files');
});

test('count over the ten NASA files equals the sum of their line counts', { skip }, () => {
  const total = NASA.reduce((sum, f) => sum + wcLinesCorrected(dataPath(f)), 0);
  assert.equal(scalar(['count', ...NASA], 'count'), total);
});

/** Files where every line is a well-formed record, so `count` must equal the line count. */
for (const file of [JAVAGROK, NGINX_COMBINED, BASJES_HACKERS]) {
  test(`count on ${file} equals its line count`, { skip }, () => {
    assert.equal(scalar(['count', file], 'count'), wcLinesCorrected(dataPath(file)));
  });
}

/** javagrok/access_log ends every line with CRLF: no "\r" may reach the output. */
test('javagrok/access_log (CRLF): printed lines carry no "\\r"', { skip }, () => {
  const r = sift(['', JAVAGROK]);
  assert.equal(r.code, 0, describe([JAVAGROK], r));
  assert.equal(r.stdout.indexOf('\r'), -1, 'found "\\r" in the output');
  assert.equal(r.stdout.split('\n').length - 1, 1536);
});

test('javagrok/access_log (CRLF): status 401 lines are printed without "\\r", as awk selects them', { skip }, () => {
  const args = ['status == 401', JAVAGROK];
  const r = sift(args);
  assert.equal(r.code, 0, describe(args, r));
  assert.equal(r.stdout.indexOf('\r'), -1);
  // awk drops the "\r" (which re-splits the fields), then status is the next-to-last field.
  const expected = awk('{ sub(/\\r$/, "") } $(NF-1) == 401', [JAVAGROK]).split('\n').slice(0, -1);
  assert.equal(expected.length, 123);
  assertSameLines(r.stdout, expected, args.join(' '));
});

test('javagrok/access_log (CRLF): count by status equals awk', { skip }, () => {
  const rows = jsonRows(['count by status', JAVAGROK]);
  assertSameCounts(rowsToCounts(rows, 'status'), awkStatusCounts('common', [JAVAGROK]), 'count by status');
});

test('nginx.log (JSON lines, CRLF, no final newline): 8130 lines printed, no "\\r"', { skip }, () => {
  const r = sift(['', NGINX_JSON]);
  assert.equal(r.code, 0, describe([NGINX_JSON], r));
  assert.equal(r.stdout.indexOf('\r'), -1);
  assert.equal(r.stdout.split('\n').length - 1, 8130);
});

/** Standard input is read like a file: same lines, CRLF stripped. */
test('stdin (`-`) gives the same lines as the path', { skip }, () => {
  const r = sift(['', '-'], readFileSync(dataPath(JAVAGROK)));
  assert.equal(r.code, 0, describe(['', '-'], r));
  assertSameLines(r.stdout, readLogLines(dataPath(JAVAGROK)), 'stdin');
});

/** An empty QUERY (it names no path) is the same as no query: every line. */
test("an empty query ('') prints every line, across a junction of two NASA files", { skip }, () => {
  const files = [NASA[0]!, NASA[1]!];
  const r = sift(['', ...files]);
  assert.equal(r.code, 0, describe(['', ...files], r));
  assertSameLines(r.stdout, files.flatMap((f) => readLogLines(dataPath(f))), "'' on xaa xab");
  assert.equal(r.stdout.split('\n').length - 1, wcLinesCorrected(dataPath(files[0]!)) + wcLinesCorrected(dataPath(files[1]!)));
});
