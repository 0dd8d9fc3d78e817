import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, EXIT_USAGE } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../own-files.js';
import { ENV_DIR, ENV_OPTIONS, FILES, type AgentOptions } from '../agent/control.js';
import type { NodeCommand } from './resolve-command.js';

/** How the traced program ended, as the parent saw it. */
export interface ProgramEnd {
  /** Its exit code, or 128 + the signal's number when a signal ended it (a shell's convention). */
  readonly exitCode: number;
  readonly signal?: string;
  readonly wallMs: number;
}

/** After a signal reaches logsift, the program gets this long to end (through the agent) before logsift forwards it. */
const FORWARD_AFTER_MS = 5000;

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The preload module, found from logsift's package root (this code may run bundled). */
function preloadUrl(): string {
  if (!PACKAGE_ROOT) throw new UserError('trace: cannot find logsift\'s own files (package.json named logsift)', EXIT_USAGE);
  // The bundle (scripts/bundle.mjs) loads faster; the compiled modules serve a build without it.
  const bundled = join(PACKAGE_ROOT, 'dist', 'agent', 'preload.js');
  return pathToFileURL(existsSync(bundled) ? bundled : join(PACKAGE_ROOT, 'dist', 'src', 'trace', 'agent', 'preload.js')).href;
}

/** A private folder for the agent's files (mode 0700, as mkdtemp makes it). */
export function makeControlDir(): string {
  return mkdtempSync(join(tmpdir(), 'logsift-trace-'));
}

/**
 * Runs the program with the tracer preloaded and waits for it. Its standard input, output and
 * error are this process's own (inherited, never read or written by logsift). The preload goes
 * in NODE_OPTIONS, so any Node process the program starts loads it too and leaves a marker: the
 * report can then say what it did not cover. `--precise` turns V8's allocation folding off with
 * a Node option on the command line, before any code is compiled.
 *
 * Signals: the terminal sends Ctrl-C to the whole process group, so the program gets it itself.
 * logsift only tells the agent (a file in the control folder), which ends a program too busy to
 * see the signal, or passes it on when the program listens for it and did not get it; if the
 * program is still running FORWARD_AFTER_MS later, or a second signal comes, logsift sends it on.
 */
export async function runTraced(command: NodeCommand, dir: string, options: AgentOptions): Promise<ProgramEnd> {
  const preload = `--import=${preloadUrl()}`;
  const env = {
    ...process.env,
    [ENV_DIR]: dir,
    [ENV_OPTIONS]: JSON.stringify(options),
    NODE_OPTIONS: [process.env['NODE_OPTIONS'], preload].filter(Boolean).join(' '),
  };
  const args = [...(options.precise ? ['--no-turbo-allocation-folding'] : []), ...command.nodeArgs, ...command.args];
  const started = performance.now();
  const child = spawn(command.node, args, { stdio: 'inherit', env });

  const received = new Map<NodeJS.Signals, number>();
  const timers: NodeJS.Timeout[] = [];
  const onSignal = (signal: NodeJS.Signals): void => {
    const times = (received.get(signal) ?? 0) + 1;
    received.set(signal, times);
    if (times > 1) {
      child.kill(signal);
      return;
    }
    try {
      writeFileSync(join(dir, FILES.signal), signal);
    } catch {
      child.kill(signal);
      return;
    }
    const t = setTimeout(() => child.kill(signal), FORWARD_AFTER_MS);
    t.unref();
    timers.push(t);
  };
  for (const s of FORWARDED) process.on(s, onSignal);
  try {
    return await new Promise<ProgramEnd>((resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) =>
        reject(new UserError(`trace: cannot run ${command.node}: ${error.code === 'ENOENT' ? 'not found' : error.message}`, error.code === 'ENOENT' ? 127 : 126)),
      );
      child.once('exit', (code, signal) => {
        const wallMs = performance.now() - started;
        if (signal) resolve({ exitCode: 128 + (constants.signals[signal] ?? 0), signal, wallMs });
        else resolve({ exitCode: code ?? 1, wallMs });
      });
    });
  } finally {
    for (const s of FORWARDED) process.removeListener(s, onSignal);
    for (const t of timers) clearTimeout(t);
  }
}
