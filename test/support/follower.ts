import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath } from './cli.js';

/**
 * `logsift follow` running in a child process, its output gathered as it comes, for tests that
 * write files while it follows them. Waits are for conditions, with generous limits (the machine
 * is shared and busy), never for fixed times that a slow moment could defeat.
 */
export class Follower {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: readonly string[], options: { cwd?: string; stdin?: 'pipe' | 'ignore' } = {}) {
    this.child = spawn(process.execPath, [cliPath, '--no-progress', 'follow', ...args], {
      cwd: options.cwd,
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Waits until `ready()` holds, checking every 20 ms; fails after `limitMs` with what was seen. */
  async until(what: string, ready: () => boolean, limitMs = 60_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      if (this.child.exitCode !== null) throw new Error(`follower exited (${this.child.exitCode}) waiting for ${what}; stderr: ${this.stderr}`);
      await sleep(20);
    }
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    this.child.kill(signal);
    const { code, signal: got } = await this.exited;
    return { code, signal: got, stdout: this.stdout, stderr: this.stderr };
  }

  /** Waits for the process to end by itself. */
  async exit(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const { code } = await this.exited;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }
}

/** The text of numbered line `n` (fixed width, so every line is distinct and easy to count). */
export function numbered(n: number): string {
  return `line ${String(n).padStart(7, '0')} ${'x'.repeat(40)}`;
}

/** How many times each number appears among output lines of `numbered` form; other lines are returned apart. */
export function tally(output: string): { counts: Map<number, number>; strange: string[] } {
  const counts = new Map<number, number>();
  const strange: string[] = [];
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const m = /^line (\d{7}) x{40}$/.exec(line);
    if (!m) {
      strange.push(line);
      continue;
    }
    const n = Number(m[1]);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return { counts, strange };
}

/** Lines 0..total-1 missing from `counts`, and those seen more than once. */
export function lostAndDoubled(counts: ReadonlyMap<number, number>, total: number): { lost: number[]; doubled: number[] } {
  const lost: number[] = [];
  const doubled: number[] = [];
  for (let n = 0; n < total; n++) {
    const c = counts.get(n) ?? 0;
    if (c === 0) lost.push(n);
    else if (c > 1) doubled.push(n);
  }
  return { lost, doubled };
}
