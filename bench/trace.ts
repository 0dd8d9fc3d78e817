/**
 * The `logsift trace` section of `npm run bench` (issue 9's targets):
 * - accuracy: on a program that keeps known amounts in known functions (bench/trace-known.ts),
 *   each site's size at exit over the truth the program measured, at the default interval and
 *   with --precise; Buffers (outside V8's heap) included;
 * - overhead: wall time of `logsift trace` (memory, and with --cpu) over the plain run, on the
 *   1M-line streaming lab and on a 1M-line logsift query (the targets), the same query on 10M
 *   lines, and an empty program (what tracing costs however short the run: a second Node
 *   process, the agent's boot, the last capture, the report); medians of interleaved runs, at
 *   least OVERHEAD_RUNS of them (a 10% target needs more than three runs on a noisy machine);
 * - the side-by-side: the buffering lab in Node under logsift trace and in Python under
 *   tracemalloc, each against its plain run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_FUNCTIONS, knownProgram, sizeOf, type KnownOutput } from './trace-known.js';
import { measure, median, type Command } from './measure.js';

export interface TraceBenchOptions {
  /** The logsift CLI bundle. */
  readonly cli: string;
  readonly root: string;
  /** 1M generated application lines (the lab's input). */
  readonly applog: string;
  /** 1M generated access lines (the query's input). */
  readonly access: string;
  /** 10M generated access lines: the same query ten times longer, to tell fixed cost from cost per line. */
  readonly access10m: string;
  readonly runs: number;
  readonly progress: (text: string) => void;
}

/** Runs of each overhead variant, at the least. */
const OVERHEAD_RUNS = 5;

interface Variant {
  readonly name: string;
  readonly command: Command;
}

/** Medians of interleaved runs (plain, traced, traced, plain, ...): drift hits all alike. */
async function timed(variants: readonly Variant[], runs: number, progress: (t: string) => void): Promise<Map<string, { wallS: number; rssMiB: number }>> {
  const walls = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const rss = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let r = 0; r < runs; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      // Piped, not /dev/null: logsift takes a stdout of /dev/null opened read-write for a closed one.
      const m = await measure(v.command, 'count-lines');
      if (m.exitCode !== 0) throw new Error(`${v.name}: exit ${m.exitCode}: ${m.stderr.trim().split('\n').pop() ?? ''}`);
      walls.get(v.name)!.push(m.wallS);
      rss.get(v.name)!.push(m.peakRssKiB / 1024);
      progress(`  trace: ${v.name} run ${r + 1}: ${m.wallS.toFixed(2)} s`);
    }
  }
  return new Map(variants.map((v) => [v.name, { wallS: median(walls.get(v.name)!), rssMiB: median(rss.get(v.name)!) }]));
}

function overheadRows(title: string, results: Map<string, { wallS: number; rssMiB: number }>, base: string): string[] {
  const plain = results.get(base)!.wallS;
  return [
    title,
    ...[...results].map(
      ([name, r]) =>
        `  ${name.padEnd(34)} ${r.wallS.toFixed(2).padStart(6)} s  x${(r.wallS / plain).toFixed(3)}  ${name === base ? '        ' : `${r.wallS >= plain ? '+' : '-'}${Math.abs(r.wallS - plain).toFixed(2)} s`}  peak RSS ${r.rssMiB.toFixed(0)} MiB`,
    ),
  ];
}

function accuracy(o: TraceBenchOptions): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-trace-'));
  try {
    writeFileSync(join(dir, 'known.mjs'), knownProgram());
    const rows: string[] = ['accuracy: site size at exit / truth (known program: 200k strings, 200k objects, 20k arrays, 200 Buffers of 64 KiB)'];
    for (const extra of [[], ['--precise']]) {
      const report = join(dir, 'r.json');
      const stdout = execFileSync(process.execPath, [o.cli, 'trace', ...extra, '--json', report, '--', 'node', 'known.mjs'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const truth = (JSON.parse(stdout) as KnownOutput).truth;
      const atExit = (JSON.parse(readFileSync(report, 'utf8')) as { memory: { atExit: { function: string; size: number }[] } }).memory.atExit;
      const cells = KNOWN_FUNCTIONS.map((f) => `${f} x${(sizeOf(atExit, f) / truth[f]).toFixed(3)}`);
      rows.push(`  ${(extra[0] ?? 'default interval').padEnd(17)} ${cells.join('  ')}`);
    }
    rows.push('  (target: within 15% of the truth, Buffers within 5%)');
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pythonAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import tracemalloc'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function traceSection(o: TraceBenchOptions): Promise<string> {
  const node = process.execPath;
  const lab = (name: string) => join(o.root, 'examples', 'lab', name);
  const traced = (extra: string[], program: string[]): Command => ({ cmd: node, args: [o.cli, 'trace', ...extra, '--report', '/dev/null', '--', ...program] });
  o.progress('trace: accuracy');
  const parts = [accuracy(o)];

  const runs = Math.max(o.runs, OVERHEAD_RUNS);
  /** Plain, traced, traced with --cpu: interleaved, as one table. */
  const overhead = async (title: string, plainName: string, program: string[]): Promise<string[]> =>
    overheadRows(
      title,
      await timed(
        [
          { name: plainName, command: { cmd: node, args: program.slice(1) } },
          { name: 'logsift trace', command: traced([], program) },
          { name: 'logsift trace --cpu', command: traced(['--cpu'], program) },
        ],
        runs,
        o.progress,
      ),
      plainName,
    );
  const query = (file: string): string[] => ['node', o.cli, '--no-progress', 'status >= 400 | count by status', file];

  o.progress('trace: overhead on the streaming lab');
  parts.push(await overhead('overhead: streaming lab, 1M application lines (target: memory <= x1.10, with --cpu <= x1.15)', 'node examples/lab/streaming.mjs', ['node', lab('streaming.mjs'), o.applog]));
  o.progress('trace: overhead on a 1M-line query');
  parts.push(await overhead("overhead: logsift 'status >= 400 | count by status', 1M access lines (target: <= x1.10, --cpu <= x1.15)", 'logsift (plain)', query(o.access)));
  o.progress('trace: overhead on a 10M-line query');
  parts.push(await overhead('overhead: the same query on 10M access lines (what is left of the overhead when the run is ten times longer)', 'logsift (plain)', query(o.access10m)));
  o.progress('trace: fixed cost, an empty program');
  parts.push(await overhead("overhead: an empty program, node -e 0 (the fixed cost: a second Node process, the agent's boot, the last capture, the report)", 'node -e 0', ['node', '-e', '0']));

  o.progress('trace: the buffering lab, Node and Python');
  const variants: Variant[] = [
    { name: 'node buffering.mjs', command: { cmd: node, args: [lab('buffering.mjs'), o.applog] } },
    { name: 'logsift trace -- node buffering.mjs', command: traced([], ['node', lab('buffering.mjs'), o.applog]) },
  ];
  const py = join(o.root, 'bench', 'lab_buffering.py');
  if (pythonAvailable()) {
    variants.push(
      { name: 'python3 lab_buffering.py', command: { cmd: 'python3', args: [py, o.applog] } },
      { name: 'python3 lab_buffering.py --trace', command: { cmd: 'python3', args: [py, '--trace', o.applog] } },
    );
  }
  const side = await timed(variants, o.runs, o.progress);
  const rows = ['side by side: the buffering lab, 1M lines (tracemalloc traces every allocation; logsift samples)'];
  for (const [plain, tracedName] of [
    ['node buffering.mjs', 'logsift trace -- node buffering.mjs'],
    ['python3 lab_buffering.py', 'python3 lab_buffering.py --trace'],
  ] as const) {
    const a = side.get(plain);
    const b = side.get(tracedName);
    if (!a || !b) {
      rows.push(`  ${plain}: python3 with tracemalloc unavailable`);
      continue;
    }
    rows.push(`  ${plain.padEnd(34)} ${a.wallS.toFixed(2).padStart(6)} s  peak RSS ${a.rssMiB.toFixed(0)} MiB`);
    rows.push(`  ${tracedName.padEnd(34)} ${b.wallS.toFixed(2).padStart(6)} s  x${(b.wallS / a.wallS).toFixed(3)}  peak RSS ${b.rssMiB.toFixed(0)} MiB`);
  }
  parts.push(rows);
  return ['logsift trace', ...parts.map((p) => p.join('\n'))].join('\n\n');
}
