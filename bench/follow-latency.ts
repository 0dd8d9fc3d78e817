/**
 * The follow latency benchmark of issue 11: from a line being appended to a log to the same line
 * coming out of `logsift follow`, at 50k lines/s sustained, with rename rotations during the run;
 * then the follower's CPU use while nothing is written.
 *
 *   node dist/bench/follow-latency.js [--runs 1] [--seconds 10] [--rate 50000] [--cli dist/logsift.mjs]
 *
 * The writer is a worker thread (its own event loop, so the reader's work does not delay its
 * appends): every 10 ms it appends, in one write, the lines due by then at the target rate, each
 * carrying the time of that write. The bench's main thread reads the follower's standard output
 * and takes, per line, the time it arrived less the time in the line. Two queries: `''` (every
 * line, the heaviest output) and `status == 404` (one line in ten: what a filter costs to parse
 * every line and print a few). Idle CPU: utime + stime of the follower from /proc/PID/stat over 5
 * idle seconds (Linux only).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';

export interface FollowLatencyOptions {
  /** The logsift CLI script run with node (dist/logsift.mjs). */
  cli: string;
  runs: number;
  progress: (t: string) => void;
  /** Defaults: 50k lines/s for 10 s with 2 rotations (the issue's figures). */
  rate?: number;
  seconds?: number;
  rotations?: number;
}

const TARGET_P99_MS = 100;
/** "Negligible" idle CPU: under 1% of one core. */
const TARGET_IDLE_CPU = 0.01;
const IDLE_SECONDS = 5;
const TICK_MS = 10;

/** The writer, run as a worker thread (CommonJS, evaluated): appends due lines every tick, rotating by rename + create. */
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { path, rate, total, durationMs, rotations, tickMs } = workerData;
const now = () => performance.timeOrigin + performance.now();
let fd = fs.openSync(path, 'a');
let written = 0;
let rotated = 0;
let writes = 0;
const start = now();
function tick() {
  const elapsed = now() - start;
  const due = Math.min(total, Math.floor((elapsed * rate) / 1000));
  if (due > written) {
    const at = now().toFixed(3);
    let text = '';
    for (let seq = written; seq < due; seq++) {
      text += '10.0.0.' + (seq % 250) + ' - - [02/Dec/2026:03:00:00 +0000] "GET /l/' + seq + '/' + at + ' HTTP/1.1" ' + (seq % 10 === 0 ? 404 : 200) + ' 512\\n';
    }
    fs.writeSync(fd, text);
    writes++;
    written = due;
  }
  if (rotated < rotations && elapsed >= ((rotated + 1) * durationMs) / (rotations + 1)) {
    rotated++;
    fs.renameSync(path, path + '.' + rotated);
    const old = fd;
    fd = fs.openSync(path, 'a');
    fs.closeSync(old);
  }
  if (written >= total) {
    fs.closeSync(fd);
    parentPort.postMessage({ writes, seconds: (now() - start) / 1000, rotated });
    return;
  }
  setTimeout(tick, tickMs);
}
tick();
`;

interface RunResult {
  readonly query: string;
  readonly total: number;
  readonly measured: number;
  readonly lost: number;
  readonly doubled: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly writerRate: number;
  readonly rotations: number;
  /** The follower's CPU while the writer ran, in cores (1 = one core busy). */
  readonly busyCpu: number | null;
  readonly idleCpu: number | null;
}

const wallNow = (): number => performance.timeOrigin + performance.now();

/** Clock ticks a second (CLK_TCK), the unit of /proc/PID/stat's CPU times; 100 when getconf cannot say. */
export function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process, in seconds, or null where /proc is not there. */
function cpuSeconds(pid: number, ticks: number): number | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  // The command name (field 2) may hold spaces: fields are counted after its closing parenthesis.
  const fields = readFileSync(file, 'utf8').slice(readFileSync(file, 'utf8').lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function oneRun(cli: string, query: string, rate: number, seconds: number, rotations: number, progress: (t: string) => void): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-follow-'));
  const log = join(dir, 'access.log');
  const total = Math.round(rate * seconds);
  const ticks = clockTicks();
  writeFileSync(log, '');
  const child = spawn(process.execPath, [cli, '--no-progress', 'follow', query, log], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const seen = new Uint8Array(total);
  const latencies = new Float64Array(total);
  let measured = 0;
  let doubled = 0;
  let warm = false;
  let rest = '';
  const line = /GET \/(l|w)\/(\d+)\/([\d.]+) /;
  child.stdout.setEncoding('latin1').on('data', (d: string) => {
    const arrived = wallNow();
    const text = rest + d;
    const end = text.lastIndexOf('\n');
    rest = text.slice(end + 1);
    for (const l of text.slice(0, end).split('\n')) {
      const m = line.exec(l);
      if (!m) continue;
      if (m[1] === 'w') {
        warm = true;
        continue;
      }
      const seq = Number(m[2]);
      if (seen[seq]!++ > 0) {
        doubled++;
        continue;
      }
      latencies[measured++] = arrived - Number(m[3]);
    }
  });
  const until = async (what: string, ok: () => boolean, limitMs: number): Promise<void> => {
    const deadline = Date.now() + limitMs;
    while (!ok()) {
      if (child.exitCode !== null) throw new Error(`the follower exited (${child.exitCode}) waiting for ${what}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${stderr}`);
      await sleep(20);
    }
  };
  try {
    // Ready once a first line (a 404, so both queries print it) came through.
    const warmup = async (): Promise<void> => {
      for (let i = 0; !warm; i++) {
        writeFileSync(log, `10.0.0.1 - - [02/Dec/2026:03:00:00 +0000] "GET /w/${i}/0 HTTP/1.1" 404 512\n`, { flag: 'a' });
        await sleep(200);
      }
    };
    await Promise.race([warmup(), until('the follower to start', () => warm, 30_000)]);
    progress(`follow latency: ${query || "''"}, ${rate} lines/s for ${seconds} s`);
    const cpuBefore = cpuSeconds(child.pid!, ticks);
    const startedAt = wallNow();
    const worker = new Worker(WRITER, { eval: true, workerData: { path: log, rate, total, durationMs: seconds * 1000, rotations, tickMs: TICK_MS } });
    const report = await new Promise<{ writes: number; seconds: number; rotated: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const expected = query === '' ? total : Math.ceil(total / 10);
    await until(`all ${expected} lines`, () => measured >= expected, 60_000).catch(() => {}); // what is missing is reported as lost
    const cpuAfter = cpuSeconds(child.pid!, ticks);
    const busySeconds = (wallNow() - startedAt) / 1000;
    // Idle: the rotated file's --rotate-wait (1 s) passes first, then nothing happens for 5 s.
    await sleep(2000);
    const idleBefore = cpuSeconds(child.pid!, ticks);
    await sleep(IDLE_SECONDS * 1000);
    const idleAfter = cpuSeconds(child.pid!, ticks);
    let lost = 0;
    for (let seq = 0; seq < total; seq++) if (seen[seq] === 0 && (query === '' || seq % 10 === 0)) lost++;
    const sorted = latencies.slice(0, measured).sort();
    return {
      query,
      total: expected,
      measured,
      lost,
      doubled,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      writerRate: total / report.seconds,
      rotations: report.rotated,
      busyCpu: cpuBefore !== null && cpuAfter !== null ? (cpuAfter - cpuBefore) / busySeconds : null,
      idleCpu: idleBefore !== null && idleAfter !== null ? (idleAfter - idleBefore) / IDLE_SECONDS : null,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('close', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v: number): string => (Number.isNaN(v) ? '-' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
const pct = (v: number | null): string => (v === null ? 'n/a' : `${(v * 100).toFixed(v < 0.1 ? 2 : 0)}%`);

/** The bench section: per run and query, p50/p99/max latency, lines lost/doubled, CPU; then the targets, met or missed. */
export async function followLatencySection(options: FollowLatencyOptions): Promise<string> {
  const rate = options.rate ?? 50_000;
  const seconds = options.seconds ?? 10;
  const rotations = options.rotations ?? 2;
  const results: RunResult[] = [];
  for (let run = 0; run < options.runs; run++) {
    for (const query of ['', 'status == 404']) results.push(await oneRun(options.cli, query, rate, seconds, rotations, options.progress));
  }
  const rows = [
    `follow latency: append -> output of \`logsift follow QUERY PATH\`, ${rate / 1000}k lines/s for ${seconds} s, ${rotations} rename rotations; writes every ${TICK_MS} ms (target: p99 <= ${TARGET_P99_MS} ms; idle CPU negligible, < ${TARGET_IDLE_CPU * 100}% of a core)`,
    `  ${'query'.padEnd(15)} ${'lines'.padStart(7)} ${'lost'.padStart(5)} ${'dup'.padStart(4)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'max'.padStart(8)}  writer      CPU busy  CPU idle`,
  ];
  for (const r of results) {
    rows.push(
      `  ${(r.query === '' ? "'' (all)" : r.query).padEnd(15)} ${String(r.measured).padStart(7)} ${String(r.lost).padStart(5)} ${String(r.doubled).padStart(4)} ${ms(r.p50).padStart(8)} ${ms(r.p99).padStart(8)} ${ms(r.max).padStart(8)}  ${`${(r.writerRate / 1000).toFixed(1)}k/s`.padEnd(10)}  ${pct(r.busyCpu).padStart(8)}  ${pct(r.idleCpu).padStart(8)}`,
    );
  }
  const worstP99 = Math.max(...results.map((r) => r.p99));
  const complete = results.every((r) => r.lost === 0 && r.doubled === 0);
  const idle = results.map((r) => r.idleCpu).filter((v): v is number => v !== null);
  const worstIdle = idle.length ? Math.max(...idle) : null;
  rows.push(`  p99 <= ${TARGET_P99_MS} ms: ${worstP99 <= TARGET_P99_MS && complete ? 'met' : 'MISSED'} (worst p99 ${ms(worstP99)}${complete ? '' : '; lines lost or doubled'})`);
  rows.push(`  idle CPU negligible: ${worstIdle === null ? 'not measured (no /proc)' : worstIdle < TARGET_IDLE_CPU ? 'met' : 'MISSED'} (worst ${pct(worstIdle)} of a core over ${IDLE_SECONDS} idle s)`);
  return rows.join('\n');
}

// Run alone: node dist/bench/follow-latency.js [--runs N] [--seconds S] [--rate R] [--cli PATH]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const cli = value('--cli') ?? fileURLToPath(new URL('../logsift.mjs', import.meta.url));
  const number = (name: string): number | undefined => (value(name) === undefined ? undefined : Number(value(name)));
  const section = await followLatencySection({
    cli,
    runs: number('--runs') ?? 1,
    progress: (t) => process.stderr.write(`${t}\n`),
    ...(number('--rate') !== undefined ? { rate: number('--rate')! } : {}),
    ...(number('--seconds') !== undefined ? { seconds: number('--seconds')! } : {}),
    ...(number('--rotations') !== undefined ? { rotations: number('--rotations')! } : {}),
  });
  process.stdout.write(`${section}\n`);
}
