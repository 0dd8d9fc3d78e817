/**
 * Runs one command and measures its wall time and peak resident memory.
 *
 * Wall time is taken here (hrtime from spawn to exit), so it includes process start-up, as a user
 * would see it. Peak RSS comes from GNU time (`%M`, the kernel's ru_maxrss) when /usr/bin/time
 * exists; for a shell pipeline that is the largest single process of the pipeline, not their sum.
 * Without GNU time we poll VmHWM in /proc for the process and its descendants every few ms, which
 * is a sample and can miss a short final peak.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export type RssMethod = 'gnu-time' | 'proc-sample';

export function rssMethod(): RssMethod {
  return existsSync(GNU_TIME) ? 'gnu-time' : 'proc-sample';
}

export interface Command {
  cmd: string;
  args: string[];
}

/** What to do with the command's stdout: discard (/dev/null), keep the text, or count its lines (and hash them). */
export type StdoutMode = 'discard' | 'capture' | 'count-lines';

export interface Measurement {
  wallS: number;
  /** Peak RSS in KiB; NaN when it could not be read. */
  peakRssKiB: number;
  exitCode: number;
  /** Captured stdout (mode 'capture'), else ''. */
  stdout: string;
  /** Lines on stdout (mode 'count-lines'), else 0. */
  stdoutLines: number;
  /** SHA-256 of stdout, hex (mode 'count-lines'), else ''; output too big to keep is compared by this. */
  stdoutSha256: string;
  /** The last few KiB of stderr, for error messages. */
  stderr: string;
}

const STDERR_KEEP = 8192;

export async function measure(command: Command, mode: StdoutMode): Promise<Measurement> {
  const method = rssMethod();
  const scratch = method === 'gnu-time' ? mkdtempSync(join(tmpdir(), 'logsift-bench-')) : '';
  const timeFile = join(scratch, 'time.txt');
  const [cmd, args] =
    method === 'gnu-time'
      ? [GNU_TIME, ['-f', '%e %M', '-o', timeFile, command.cmd, ...command.args]]
      : [command.cmd, command.args];

  // Discarded output goes to /dev/null opened write-only, as a shell's `> /dev/null` does, so
  // every tool sees the same kind of stdout.
  const devNull = mode === 'discard' ? openSync('/dev/null', 'w') : undefined;
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: ['ignore', devNull ?? 'pipe', 'pipe'] });
  if (devNull !== undefined) closeSync(devNull); // the child has its own copy
  const chunks: Buffer[] = [];
  let lines = 0;
  const hash = mode === 'count-lines' ? createHash('sha256') : undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    if (mode === 'capture') chunks.push(chunk);
    else {
      hash?.update(chunk);
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP);
  });

  let sampledKiB = 0;
  const poller =
    method === 'proc-sample' && child.pid !== undefined
      ? setInterval(() => {
          sampledKiB = Math.max(sampledKiB, treePeakKiB(child.pid!));
        }, 5)
      : undefined;

  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (poller) clearInterval(poller);

  let peakRssKiB = method === 'proc-sample' && sampledKiB > 0 ? sampledKiB : NaN;
  if (method === 'gnu-time') {
    peakRssKiB = readGnuTimeRss(timeFile);
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    wallS,
    peakRssKiB,
    exitCode,
    stdout: Buffer.concat(chunks).toString('utf8'),
    stdoutLines: lines,
    stdoutSha256: hash?.digest('hex') ?? '',
    stderr,
  };
}

/** GNU time writes "Command exited with non-zero status N" before the format line on failure. */
function readGnuTimeRss(file: string): number {
  try {
    const lastLine = readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
    const kib = Number(lastLine.split(' ')[1]);
    return Number.isFinite(kib) ? kib : NaN;
  } catch {
    return NaN;
  }
}

/** Largest VmHWM among a process and its descendants (0 when it has gone). */
function treePeakKiB(pid: number): number {
  let peak = 0;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) peak = Number(m[1]);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) peak = Math.max(peak, treePeakKiB(Number(child)));
  } catch {
    // The process exited between reads: keep what we have.
  }
  return peak;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
