/**
 * The big fuzz run: `node dist/test/fuzz/run.js [--seed N] [--seconds S] [--kinds queries,lines,...]`
 * (`npm run fuzz` builds first). Prints a summary and every failure grouped by cause, with its
 * replay command, the minimised case and what the shipped CLI (dist/logsift.mjs) does with it.
 * Exits 1 when any case fails the oracle.
 *
 *   --seed N                 run seed (default: from the clock, printed so the run can be repeated)
 *   --seconds S              stop starting cases after S seconds (default 60)
 *   --cases N                at most N cases per kind (with no --seconds: exactly N, deterministic)
 *   --kinds a,b              kinds to run: queries, formats, lines, archives, inputs (default all)
 *   --case I                 replay case I of the one kind given with --kinds (--size V to shrink it)
 *   --budget MS              per-case watchdog (default 20000)
 *   --max-hangs-per-shape N  skip a shape's further cases after N hangs (default 2)
 *   --minimise-seconds S     time for minimising failures (default 60); --no-minimise to skip
 *   --no-confirm             do not re-run each group's example through dist/logsift.mjs
 *   --save DIR               write each group's (minimised) example to DIR/<n>-<kind>-<index>/
 *   --keep                   keep the case directories (their path is printed)
 *
 * Run as a test file (node --test runs every file under dist/test), it does nothing.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KINDS, type Kind } from './case.js';
import { confirmWithBundle, formatFailures, formatSummary, groupFailures, runFuzz, saveCase } from './harness.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      seconds: { type: 'string' },
      cases: { type: 'string' },
      kinds: { type: 'string' },
      case: { type: 'string' },
      size: { type: 'string' },
      budget: { type: 'string' },
      'max-hangs-per-shape': { type: 'string' },
      'minimise-seconds': { type: 'string' },
      'no-minimise': { type: 'boolean' },
      'no-confirm': { type: 'boolean' },
      save: { type: 'string' },
      keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node dist/test/fuzz/run.js [--seed N] [--seconds S] [--cases N] [--kinds queries,formats,lines,archives,inputs]\n' +
      '       [--case I [--size V]] [--budget MS] [--max-hangs-per-shape N] [--minimise-seconds S] [--no-minimise] [--no-confirm] [--save DIR] [--keep]\n');
    return 0;
  }
  const int = (name: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a whole number, got ${text}`);
    return n;
  };
  const seed = int('seed', values.seed, Date.now() % 2 ** 31) >>> 0;
  const kinds = (values.kinds?.split(',').map((k) => k.trim()).filter(Boolean) ?? [...KINDS]) as Kind[];
  for (const k of kinds) if (!KINDS.includes(k)) throw new Error(`unknown kind ${k} (kinds: ${KINDS.join(', ')})`);
  const budgetMs = int('budget', values.budget, 20_000);
  const only = values.case !== undefined ? { kind: kinds[0]!, index: int('case', values.case, 0), size: values.size !== undefined ? int('size', values.size, 0) : null } : undefined;
  if (only && kinds.length !== 1) throw new Error('--case needs exactly one kind in --kinds');
  const perKind = values.cases !== undefined ? int('cases', values.cases, 0) : undefined;
  const seconds = values.seconds !== undefined ? int('seconds', values.seconds, 60) : perKind === undefined ? 60 : undefined;

  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(`logsift fuzz: seed ${seed}, kinds ${kinds.join(',')}, ${only ? `case ${only.index}` : `${perKind ?? 'unbounded'} cases per kind${seconds !== undefined ? `, ${seconds} s` : ''}`}, budget ${budgetMs} ms`);
  const report = await runFuzz({
    seed,
    kinds,
    ...(perKind !== undefined ? { cases: Object.fromEntries(kinds.map((k) => [k, perKind])) } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    budgetMs,
    minimise: !values['no-minimise'],
    minimiseSeconds: int('minimise-seconds', values['minimise-seconds'], 60),
    maxHangsPerShape: int('max-hangs-per-shape', values['max-hangs-per-shape'], 2),
    ...(only ? { only } : {}),
    keep: values.keep ?? false,
    log,
  });

  const out: string[] = [formatSummary(report, budgetMs)];
  if (report.failures.length > 0) out.push('', formatFailures(report));
  const groups = [...groupFailures(report.failures).values()];
  if (!values['no-confirm'] && groups.length > 0) {
    out.push('', 'The shipped CLI on each group\'s (minimised) example:');
    groups.forEach((list, i) => {
      const first = list[0]!;
      const example = first.minimised?.case ?? first.case;
      const line = confirmWithBundle(example, budgetMs);
      out.push(`${i + 1}. ${example === first.case ? '' : 'minimised: '}${line}`);
      // The worker's limits are close to the CLI's, not equal: show the original when they differ.
      if (example !== first.case && /: exit [012];/.test(line)) out.push(`   original: ${confirmWithBundle(first.case, budgetMs)}`);
    });
  }
  if (values.save !== undefined && groups.length > 0) {
    const root = resolve(values.save);
    groups.forEach((list, i) => {
      const example = list[0]!.minimised?.case ?? list[0]!.case;
      const dir = join(root, `${i + 1}-${example.kind}-${example.index}`);
      mkdirSync(dir, { recursive: true });
      saveCase(example, dir);
    });
    out.push('', `examples saved under ${root} (each with argv.json and repro.sh)`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return report.failures.length > 0 ? 1 : 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.env['NODE_TEST_CONTEXT'] === undefined) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
