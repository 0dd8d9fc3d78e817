#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { UserError, EXIT_USAGE } from '../core/errors.js';
import { runQuery } from '../engine/run-query.js';
import { OutputClosed } from '../engine/line-writer.js';
import { QueryError, formatQueryError } from '../query/errors.js';
import { parseArgs } from './args.js';

/** The package's version, from the nearest package.json above this file (bundled or not). */
function version(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'logsift' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

/**
 * The process boundary: turns user mistakes into one-line messages and exit codes, and anything
 * else into an "internal error" line (the stack only with LOGSIFT_DEBUG=1).
 */
async function main(argv: readonly string[]): Promise<number> {
  let query = '';
  try {
    const spec = parseArgs(argv, version());
    if (!spec) return 0;
    query = spec.query;
    return await runQuery(spec);
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof QueryError) {
      process.stderr.write(`logsift: ${formatQueryError(query, error)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      process.stderr.write(`logsift: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`logsift: internal error: ${message}\n`);
    if (process.env['LOGSIFT_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return 70;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
