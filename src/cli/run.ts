import { readFileSync } from 'node:fs';
import { UserError, EXIT_USAGE } from '../core/errors.js';
import { runQuery } from '../engine/run-query.js';
import { OutputClosed } from '../engine/line-writer.js';
import { QueryError, formatQueryError } from '../query/errors.js';
import { parseArgs } from './args.js';

/** Exit code for a bug in logsift itself (BSD's EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

/** Where a CLI run writes; the defaults are the process's own streams. */
export interface CliIo {
  /** File descriptor for results (default 1). */
  readonly outFd?: number;
  /** One message line for stderr (default: written to process.stderr). */
  readonly errorLine?: (line: string) => void;
}

/** The package's version, from the nearest package.json above this file (bundled or not). */
export function packageVersion(): string {
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
 * One run of the command line, in-process: turns user mistakes into one-line messages and exit
 * codes, and anything else into an "internal error" line (the stack only with LOGSIFT_DEBUG=1).
 * Never throws. The fuzz suite calls this directly; `main.ts` is the process around it.
 */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const say = io.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let query = '';
  try {
    const spec = parseArgs(argv, packageVersion());
    if (!spec) return 0;
    query = spec.query;
    return await runQuery({ ...spec, ...(io.outFd !== undefined ? { outFd: io.outFd } : {}), errorLine: say });
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof QueryError) {
      say(`logsift: ${formatQueryError(query, error)}`);
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      say(`logsift: ${error.message}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    say(`logsift: internal error: ${message}`);
    if (process.env['LOGSIFT_DEBUG'] && error instanceof Error) say(`${error.stack}`);
    return EXIT_INTERNAL;
  }
}
