/**
 * The inspector's overhead: requests per second of a small node:http app with the inspector
 * mounted and idle against the same app without it, measured side by side with autocannon. Each
 * app runs in a child process of its own; measurements alternate which app goes first, so drift
 * of a shared machine hits both alike; the figure is the median of the paired ratios. Target:
 * within 3% (ratio at least 0.97).
 *
 * On a busy machine requests per second swing by tens of percent between neighbouring
 * measurements (other processes take the cores), so the section also gives the app's own CPU
 * time per request (from /proc, Linux), a second view of the same cost, and says how far the
 * paired ratios spread.
 *
 *   node dist/bench/inspector.js [--runs N] [--seconds S]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { clockTicks } from './follow-latency.js';
import { median } from './measure.js';

const APP = fileURLToPath(new URL('./inspector-app.js', import.meta.url));
const TARGET_RATIO = 0.97;

export interface InspectorBenchOptions {
  readonly runs: number;
  readonly progress: (text: string) => void;
  /** Seconds of load per measurement (default 3). */
  readonly seconds?: number;
}

interface App {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startApp(variant: 'with' | 'without'): Promise<App> {
  const child = spawn(process.execPath, [APP, variant], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the ${variant} app exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`, child };
}

/** CPU seconds a process has used (user + system), from /proc; undefined where there is none. */
function cpuSeconds(pid: number | undefined, ticks: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (`ticks` a second).
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return undefined;
  }
}

interface Measurement {
  readonly perSecond: number;
  /** The app's CPU microseconds per request, if /proc says. */
  readonly cpuUsPerRequest: number | undefined;
}

async function measure(app: App, seconds: number, ticks: number): Promise<Measurement> {
  const cpuBefore = cpuSeconds(app.child.pid, ticks);
  const result = await autocannon({ url: app.url, connections: 10, pipelining: 1, duration: seconds });
  const cpuAfter = cpuSeconds(app.child.pid, ticks);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${app.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const total = result.requests.total;
  return {
    perSecond: total / seconds,
    cpuUsPerRequest: cpuBefore === undefined || cpuAfter === undefined || total === 0 ? undefined : ((cpuAfter - cpuBefore) * 1e6) / total,
  };
}

/** The bench's text section: both apps' medians, the ratio per run and its median, met or missed. */
export async function inspectorSection(options: InspectorBenchOptions): Promise<string> {
  const seconds = options.seconds ?? 3;
  const runs = Math.max(1, options.runs);
  const ticks = clockTicks();
  const without = await startApp('without');
  const withIt = await startApp('with');
  try {
    options.progress('inspector: warming both apps up');
    await measure(without, 1, ticks);
    await measure(withIt, 1, ticks);
    const plain: Measurement[] = [];
    const mounted: Measurement[] = [];
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      const got = {} as Record<'with' | 'without', Measurement>;
      for (const v of order) got[v] = await measure(v === 'with' ? withIt : without, seconds, ticks);
      plain.push(got.without);
      mounted.push(got.with);
      ratios.push(got.with.perSecond / got.without.perSecond);
      if (got.with.cpuUsPerRequest !== undefined && got.without.cpuUsPerRequest !== undefined) cpuRatios.push(got.without.cpuUsPerRequest / got.with.cpuUsPerRequest);
      options.progress(
        `  inspector: run ${r + 1}: without ${Math.round(got.without.perSecond)} req/s, with ${Math.round(got.with.perSecond)} req/s, ratio ${ratios[r]!.toFixed(3)}` +
          (cpuRatios.length > r ? `; CPU per request ${got.without.cpuUsPerRequest!.toFixed(1)} vs ${got.with.cpuUsPerRequest!.toFixed(1)} us` : ''),
      );
    }
    const ratio = median(ratios);
    const judge = (x: number): string => (x >= TARGET_RATIO ? 'met' : 'missed');
    const cpu = (ms: readonly Measurement[]): string => {
      const xs = ms.map((m) => m.cpuUsPerRequest).filter((x): x is number => x !== undefined);
      return xs.length ? median(xs).toFixed(1) : 'n/a';
    };
    const lines = [
      '## logsift/inspector overhead (idle, mounted in a node:http app)',
      '',
      `autocannon, 10 connections, ${seconds} s per measurement, ${runs} interleaved pair(s); medians.`,
      '',
      '| app | requests/s | app CPU per request (us) |',
      '| --- | ---: | ---: |',
      `| without the inspector | ${Math.round(median(plain.map((m) => m.perSecond)))} | ${cpu(plain)} |`,
      `| with the inspector mounted, idle | ${Math.round(median(mounted.map((m) => m.perSecond)))} | ${cpu(mounted)} |`,
      '',
      `requests/s, with/without: ${ratio.toFixed(3)} (per pair: ${ratios.map((x) => x.toFixed(3)).join(', ')}); target within 3% (>= ${TARGET_RATIO}): ${judge(ratio)}`,
    ];
    if (cpuRatios.length) {
      const c = median(cpuRatios);
      lines.push(`CPU per request, without/with: ${c.toFixed(3)} (per pair: ${cpuRatios.map((x) => x.toFixed(3)).join(', ')}); target within 3%: ${judge(c)}`);
    }
    const spread = Math.max(...ratios) - Math.min(...ratios);
    if (spread > 0.1) lines.push(`(the paired requests/s ratios spread over ${(spread * 100).toFixed(0)} points: the machine was busy, and a 3% difference is within its noise)`);
    return lines.join('\n') + '\n';
  } finally {
    without.child.kill();
    withIt.child.kill();
  }
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!(n > 0)) throw new Error(`${name} needs a positive number`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = await inspectorSection({ runs: option('--runs', 9), seconds: option('--seconds', 3), progress: (t) => process.stderr.write(`${t}\n`) });
  process.stdout.write(text);
}
