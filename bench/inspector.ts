/**
 * The inspector's overhead: requests per second of a small node:http app with the inspector
 * mounted and idle against the same app without it, measured side by side with autocannon. Each
 * app runs in a child process of its own; runs alternate which app goes first, so drift of a
 * shared machine hits both alike; the figure is the median of the per-run ratios. Target: within
 * 3% (ratio at least 0.97).
 *
 *   node dist/bench/inspector.js [--runs N] [--seconds S]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

const APP = fileURLToPath(new URL('./inspector-app.js', import.meta.url));
const TARGET_RATIO = 0.97;

export interface InspectorBenchOptions {
  readonly runs: number;
  readonly progress: (text: string) => void;
  /** Seconds of load per measurement (default 5). */
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

async function requestsPerSecond(url: string, seconds: number): Promise<number> {
  const result = await autocannon({ url, connections: 10, pipelining: 1, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.total / seconds;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The bench's text section: both apps' medians, the ratio per run and its median, met or missed. */
export async function inspectorSection(options: InspectorBenchOptions): Promise<string> {
  const seconds = options.seconds ?? 5;
  const runs = Math.max(1, options.runs);
  const without = await startApp('without');
  const withIt = await startApp('with');
  try {
    options.progress('inspector: warming both apps up');
    await requestsPerSecond(without.url, 1);
    await requestsPerSecond(withIt.url, 1);
    const plain: number[] = [];
    const mounted: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? (['without', 'with'] as const) : (['with', 'without'] as const);
      const got: Record<'with' | 'without', number> = { with: 0, without: 0 };
      for (const v of order) got[v] = await requestsPerSecond(v === 'with' ? withIt.url : without.url, seconds);
      plain.push(got.without);
      mounted.push(got.with);
      ratios.push(got.with / got.without);
      options.progress(`  inspector: run ${r + 1}: without ${Math.round(got.without)} req/s, with ${Math.round(got.with)} req/s, ratio ${(got.with / got.without).toFixed(3)}`);
    }
    const ratio = median(ratios);
    const verdict = ratio >= TARGET_RATIO ? 'met' : 'missed';
    return [
      '## logsift/inspector overhead (idle, mounted in a node:http app)',
      '',
      `autocannon, 10 connections, ${seconds} s per measurement, ${runs} interleaved run(s); medians.`,
      '',
      '| app | requests/s |',
      '| --- | ---: |',
      `| without the inspector | ${Math.round(median(plain))} |`,
      `| with the inspector mounted, idle | ${Math.round(median(mounted))} |`,
      '',
      `ratio with/without: ${ratio.toFixed(3)} (per run: ${ratios.map((x) => x.toFixed(3)).join(', ')}); target within 3% (>= ${TARGET_RATIO}): ${verdict}`,
      '',
    ].join('\n');
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
  const text = await inspectorSection({ runs: option('--runs', 3), seconds: option('--seconds', 5), progress: (t) => process.stderr.write(`${t}\n`) });
  process.stdout.write(text);
}
