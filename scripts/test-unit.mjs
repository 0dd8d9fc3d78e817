/**
 * `npm run test:unit`: the fast subset, for running often while editing. It leaves out the suites
 * that run the real logs of ../shared/data, spawn the CLI over big or many inputs, start worker
 * threads, trace programs, follow files, or fuzz; `npm test` runs everything.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SLOW = [
  /^conformance-/,
  /^reliability-/,
  /^engine-parallel\./,
  /^exercise\./,
  /^cli-/,
  /^output-plumbing\./,
  /^bench-/,
  /^io-decompress\./,
  /^formats-xml\./,
  /^formats-realdata\./,
  /^query-language\./,
  /^follow-/,
  /^trace-/,
  /^query-profile\./,
  /^inspector-(apps|security|cli)\./,
];

const dir = 'dist/test';
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.test.js') && !SLOW.some((re) => re.test(name)))
  .map((name) => join(dir, name));
const run = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
