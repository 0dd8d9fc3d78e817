import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cliPath } from './cli.js';

export interface FollowerOptions {
  readonly cwd?: string;
  readonly stdin?: 'pipe' | 'ignore';
  /** Runs the follower as this user (and group): root reads files whatever their mode. */
  readonly uid?: number;
  readonly gid?: number;
}

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

  constructor(args: readonly string[], options: FollowerOptions = {}) {
    this.child = spawn(process.execPath, [cliPath, '--no-progress', 'follow', ...args], {
      cwd: options.cwd,
      stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    // 'close', not 'exit': what the process wrote before it ended is all read by then (a killed
    // follower's last output is still in the pipe when 'exit' comes).
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
  }


  /** Waits until `ready()` holds, checking every 20 ms; fails after `limitMs` with what was seen. */
  async until(what: string, ready: () => boolean, limitMs = 60_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`follower exited (${this.child.exitCode ?? this.child.signalCode}) waiting for ${what}; stderr: ${this.stderr}`);
      }
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

/** Numbered lines [from, to), each with its newline. */
export function lines(from: number, to: number): string {
  let text = '';
  for (let n = from; n < to; n++) text += numbered(n) + '\n';
  return text;
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

/** 1,2,3,7 -> "1-3 7": lost or doubled line numbers, short enough for a failure message. */
export function ranges(ns: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ns.length; ) {
    let j = i;
    while (j + 1 < ns.length && ns[j + 1] === ns[j]! + 1) j++;
    out.push(i === j ? `${ns[i]}` : `${ns[i]}-${ns[j]}`);
    i = j + 1;
  }
  return out.join(' ');
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

/**
 * The followers a test file starts, killed after each test so a failed test leaves none running
 * (a frozen one, SIGSTOPped by the test, is woken first). Called once at the top of a test file.
 */
export function killedAfterEach(): { add(follower: Follower): Follower; delete(follower: Follower): void } {
  const running = new Set<Follower>();
  afterEach(() => {
    for (const f of running) {
      f.child.kill('SIGCONT');
      f.child.kill('SIGKILL');
    }
    running.clear();
  });
  return {
    add(follower) {
      running.add(follower);
      return follower;
    },
    /** One that ended by itself (stopped by the test), no longer to kill. */
    delete(follower) {
      running.delete(follower);
    },
  };
}
