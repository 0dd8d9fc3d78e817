import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the compiled CLI as a user would, in a child process, so tests see exactly what a shell
 * sees: stdout, stderr and the exit code. Paths are resolved from this compiled file, which lives
 * in dist/test/support/.
 */

/** The project root (the folder holding package.json). */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI as shipped: the bundle `npm run build` makes, dist/logsift.mjs (package.json's bin). */
export const cliPath = fileURLToPath(new URL('../../logsift.mjs', import.meta.url));

export interface CliResult {
  /** Exit code; null only when the process was killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Bytes or text fed to standard input. */
  readonly input?: string | Buffer;
  /** Working directory; defaults to the project root. */
  readonly cwd?: string;
}

/** Big enough for every line of the shared NASA files printed back (about 15 MB). */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** A guard against a hung CLI, not a performance threshold: a healthy run takes seconds. */
const HANG_GUARD_MS = 180_000;

/** Runs `node dist/logsift.mjs --no-progress ...args` and waits for it. */
export function runCli(args: readonly string[], options: RunOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, '--no-progress', ...args], {
    cwd: options.cwd ?? projectRoot,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: MAX_OUTPUT_BYTES,
    timeout: HANG_GUARD_MS,
  });
  if (result.error) throw new Error(`could not run logsift ${args.join(' ')}: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
