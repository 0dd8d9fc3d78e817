/**
 * The fuzz suite at `npm test` size: a fixed seed and a fixed number of cases per kind, so the
 * run is deterministic (every hostile shape of every kind is met at least once). It fails
 * listing every case that breaks the oracle: exit 0, 1 or 2 with one-line messages, never 70,
 * never a hang. `npm run fuzz` runs the same generators for longer and with other seeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailures, formatSummary, runFuzz } from './harness.js';
import { KINDS, type Kind } from './case.js';

const SEED = 1;
/** Cases per kind: enough for each kind to meet all its hostile shapes (one case in six). */
const CASES: Readonly<Record<Kind, number>> = { queries: 72, formats: 36, lines: 54, archives: 24, inputs: 24 };
const BUDGET_MS = 5_000;

test('fuzz: generated queries, formats, lines, archives and inputs never crash or hang logsift', { timeout: 300_000 }, async () => {
  const report = await runFuzz({
    seed: SEED,
    kinds: KINDS,
    cases: CASES,
    budgetMs: BUDGET_MS,
    minimise: true,
    minimiseSeconds: 5,
    maxHangsPerShape: 1,
  });
  assert.ok(report.failures.length === 0, `${formatSummary(report, BUDGET_MS)}\n\n${formatFailures(report)}`);
});
