import assert from 'node:assert/strict';
import type { CliResult } from './cli.js';
import { sift } from './shared-data.js';

/**
 * Small comparison helpers for the conformance suite: they turn logsift's output into plain
 * values and report the first difference instead of dumping megabytes of text.
 */

export type JsonRow = Record<string, unknown>;

/** Everything about a run worth seeing when an assertion about it fails. */
export function describe(args: readonly string[], r: CliResult): string {
  const clip = (s: string): string => (s.length > 2000 ? `${s.slice(0, 2000)}... (${s.length} chars)` : s);
  return `logsift ${args.map((a) => JSON.stringify(a)).join(' ')}\nexit ${r.code}\nstderr: ${clip(r.stderr)}\nstdout: ${clip(r.stdout)}`;
}

/** Runs logsift with --json, expects exit 0, and returns the array of row objects it printed. */
export function jsonRows(args: readonly string[]): JsonRow[] {
  const full = ['--json', ...args];
  const r = sift(full);
  assert.equal(r.code, 0, describe(full, r));
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`--json output is not JSON (${(e as Error).message})\n${describe(full, r)}`);
  }
  assert.ok(Array.isArray(parsed), `--json output is not an array\n${describe(full, r)}`);
  return parsed as JsonRow[];
}

/** The single value of a one-row, one-column aggregate such as `count` or `sum(bytes)`. */
export function scalar(args: readonly string[], column: string): unknown {
  const rows = jsonRows(args);
  assert.equal(rows.length, 1, `expected one row from ${args.join(' ')}, got ${JSON.stringify(rows)}`);
  assert.ok(column in rows[0]!, `no column ${column} in ${JSON.stringify(rows[0])}`);
  return rows[0]![column];
}

/**
 * Rows of a `count by KEY` as a map from the key's text to the count. Keys are compared as text
 * (status 404 and "404" are the same group); counts must be JSON numbers.
 */
export function rowsToCounts(rows: readonly JsonRow[], keyColumn: string, countColumn = 'count'): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    assert.ok(keyColumn in row, `no column ${keyColumn} in ${JSON.stringify(row)}`);
    const count = row[countColumn];
    assert.equal(typeof count, 'number', `${countColumn} is not a number in ${JSON.stringify(row)}`);
    const key = String(row[keyColumn]);
    assert.ok(!counts.has(key), `group ${key} appears twice`);
    counts.set(key, count as number);
  }
  return counts;
}

/** Compares two count maps as sets of (key, count) pairs, order ignored. */
export function assertSameCounts(actual: Map<string, number>, expected: Map<string, number>, label: string): void {
  const sorted = (m: Map<string, number>): [string, number][] =>
    [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  assert.deepEqual(sorted(actual), sorted(expected), label);
}

/**
 * Checks that stdout is exactly the expected lines, each ended by "\n", and on a mismatch names
 * the first differing line rather than diffing megabytes.
 */
export function assertSameLines(stdout: string, expected: readonly string[], label: string): void {
  if (expected.length === 0) {
    assert.equal(stdout, '', `${label}: expected no output`);
    return;
  }
  assert.ok(stdout.endsWith('\n'), `${label}: output does not end with "\\n" (last 80 chars: ${JSON.stringify(stdout.slice(-80))})`);
  const actual = stdout.slice(0, -1).split('\n');
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      assert.fail(
        `${label}: output line ${i + 1} differs\n  got:      ${JSON.stringify(actual[i])}\n  expected: ${JSON.stringify(expected[i])}`,
      );
    }
  }
  assert.equal(actual.length, expected.length, `${label}: number of output lines`);
}
