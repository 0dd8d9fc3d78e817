/**
 * `npm run bench`: logsift against mawk, `wc -l` (the I/O floor) and a naive Node.js version, on
 * the same generated combined logs, on the same machine, in one run.
 *
 *   node dist/bench/run.js [--sizes 1m,10m] [--runs 3] [--only filter,sum] [--json]
 *
 * Per size: generate (or reuse) the log, warm the page cache with one untimed `wc -l`, time the
 * floor, then for each job run every tool --runs times, interleaved (logsift -j1, logsift -jN, mawk,
 * naive, logsift -j1, ...) so drift hits all alike. logsift runs at --jobs 1 and at one job per
 * core, and the scaling jobs at --jobs 2 too. Answers are checked against mawk and, byte for byte,
 * across --jobs; timings are medians. Any answer mismatch makes the exit status 1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseCount } from './chunk-file.js';
import { checkAggregate, checkLines, type CheckContext } from './checks.js';
import { ensureAccessLog, ensureApplog } from './dataset.js';
import { traceSection } from './trace.js';
import { fanOutSection } from './fan-out.js';
import { inspectorSection } from './inspector.js';
import { followLatencySection } from './follow-latency.js';

/** The sections besides the query jobs, each in a file of its own; --only names them like jobs. */
const SECTIONS = ['trace', 'fan-out', 'follow-latency', 'inspector'] as const;
type SectionName = (typeof SECTIONS)[number];
import { selectJobs, type Job } from './jobs.js';
import { measure, rssMethod, type StdoutMode } from './measure.js';
import { formatFlatness, formatScaling, formatTargets } from './report-targets.js';
import { formatCommands, formatMachine, formatSize } from './report.js';
import type { BenchResults, JobResult, ScalingResult, SizeResult } from './results.js';
import { logsiftCommand, progress, ToolRunner } from './runner.js';
import { flatness, jobsSettings, judgeTargets, scalingOf } from './targets.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = fileURLToPath(new URL('../../bench/.data/', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../logsift.mjs', import.meta.url)); // the shipped bundle
const NAIVE = fileURLToPath(new URL('./naive.js', import.meta.url));
/** One job per core, counted as the CLI counts its default (so a CPU-limited container counts what it may use). */
const CORES = availableParallelism();

interface Options {
  /** The logsift CLI script to run with node; default: this build's dist/logsift.mjs. */
  cli: string;
  sizes: string[];
  runs: number;
  only: string | undefined;
  json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { cli: BUILT_CLI, sizes: ['1m', '10m'], runs: 3, only: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--sizes':
        options.sizes = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
        options.sizes.forEach(parseCount);
        break;
      case '--runs':
        options.runs = parseCount(value());
        if (options.runs < 1) throw new Error('--runs must be at least 1');
        break;
      case '--only':
        options.only = value();
        break;
      case '--cli':
        options.cli = value();
        break;
      case '--json':
        options.json = true;
        break;
      case '-h':
      case '--help':
        process.stdout.write('usage: node dist/bench/run.js [--sizes 1m,10m] [--runs 3] [--only filter,status-404,sum,count-by-status,count-distinct,p99,line-contains,pattern,trace,fan-out,follow-latency,inspector] [--json] [--cli PATH/logsift.mjs]\n');
        process.exit(0);
      default:
        throw new Error(`unknown option: ${arg}`);
    }
  }
  return options;
}

function tryText(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return 'unavailable';
  }
}

/** LOGSIFT_* settings in the environment: --jobs overrides LOGSIFT_JOBS, but the others still act. */
function logsiftEnv(): Record<string, string> {
  const set = Object.entries(process.env).filter(([k]) => k.startsWith('LOGSIFT_'));
  return set.length ? { environment: set.map(([k, v]) => `${k}=${v}`).join(' ') } : {};
}

function machineInfo(): Record<string, string> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpu[0]?.model ?? 'unknown'} x ${cpu.length}`,
    node: process.version,
    mawk: tryText('mawk', ['-W', 'version']),
    'logsift --jobs': `1 and ${CORES} (the cores); 2 as well for the scaling jobs`,
    ...logsiftEnv(),
    'peak RSS from':
      rssMethod() === 'gnu-time'
        ? 'GNU time %M (ru_maxrss; a pipeline reports its largest process)'
        : 'sampling /proc VmHWM every 5 ms (a sample: install GNU time with `apt-get install time` for exact peaks)',
  };
}


async function runJob(job: Job, ctx: CheckContext, runs: number): Promise<JobResult> {
  const aggregate = job.answer !== 'lines';
  const mode: StdoutMode = aggregate ? 'capture' : 'discard';
  const settings = jobsSettings(job, CORES).map(
    (jobs) => new ToolRunner('logsift', logsiftCommand(ctx.cli, job.query, ctx.file, jobs, [...(job.logsiftArgs ?? [])]), mode, jobs),
  );
  const peers = [
    new ToolRunner('mawk', job.mawk(ctx.file), mode),
    ...(job.grep ? [new ToolRunner('grep', job.grep(ctx.file), mode)] : []),
    ...(job.naive === false ? [] : [new ToolRunner('naive', { cmd: process.execPath, args: [NAIVE, job.id, ctx.file] }, mode)]),
  ];
  const runners = [...settings, ...peers];
  for (let r = 0; r < runs; r++) {
    for (const runner of runners) await runner.runOnce(`${job.id} run ${r + 1}/${runs}`);
  }
  progress(`  ${job.id}: checking answers`);
  const checks = aggregate ? await checkAggregate(job, ctx, settings, peers) : await checkLines(job, ctx, settings, peers);
  for (const c of checks) if (c.ok === false) progress(`!!! MISMATCH ${job.id}: ${c.text}`);

  // The target judges logsift's fastest setting; a failed setting has a NaN median and never wins.
  const timed = settings.filter((s) => Number.isFinite(s.result.medianS));
  const best = timed.reduce<ToolRunner | undefined>((b, s) => (b === undefined || s.result.medianS < b.result.medianS ? s : b), undefined);
  const mawk = peers[0]!.result;
  const ratio = (best?.result.medianS ?? NaN) / mawk.medianS;
  return {
    job: job.id,
    query: job.query,
    tools: runners.map((r) => r.result),
    targetRatio: job.targetRatio,
    bestJobs: best?.result.jobs ?? NaN,
    ratio,
    pass: Number.isFinite(ratio) ? ratio <= job.targetRatio : null,
    checks,
  };
}

async function runSize(label: string, jobs: Job[], runs: number, cli: string): Promise<SizeResult> {
  const lines = parseCount(label);
  progress(`== ${label}: preparing ${lines} lines in ${DATA_DIR}`);
  const data = ensureAccessLog(DATA_DIR, label, lines);
  progress(data.generated ? `  generated in ${data.generateS.toFixed(1)} s` : '  reusing the cached file');

  // Warm the page cache so every tool reads from memory, and check the file is whole.
  const warm = await measure({ cmd: 'wc', args: ['-l', data.file] }, 'capture');
  const counted = parseInt(warm.stdout, 10);
  if (counted !== lines) throw new Error(`${data.file} has ${counted} lines, expected ${lines}: delete it and rerun`);

  const floor = new ToolRunner('wc -l', { cmd: 'wc', args: ['-l', data.file] }, 'capture');
  for (let r = 0; r < runs; r++) await floor.runOnce(`floor run ${r + 1}/${runs}`);

  const ctx: CheckContext = { cli, file: data.file, bytes: data.bytes };
  const results: JobResult[] = [];
  const scaling: ScalingResult[] = [];
  for (const job of jobs) {
    const result = await runJob(job, ctx, runs);
    results.push(result);
    const s = scalingOf(job, result);
    if (s) scaling.push(s);
  }
  return { label, lines, bytes: data.bytes, file: data.file, floor: floor.result, jobs: results, scaling };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Section names in --only are the sections (their own files), not query jobs.
  const only = options.only?.split(',').map((w) => w.trim()).filter(Boolean);
  const withSection = (name: SectionName): boolean => only === undefined || only.includes(name);
  const withTrace = withSection('trace');
  const queryJobs = only?.filter((w) => !(SECTIONS as readonly string[]).includes(w));
  const jobs = queryJobs === undefined ? selectJobs(undefined) : queryJobs.length > 0 ? selectJobs(queryJobs.join(',')) : [];
  if (!existsSync(options.cli)) {
    progress(`note: ${options.cli} is missing (build with \`npx tsc -p .\`); logsift rows will show FAILED`);
  }
  if (rssMethod() === 'proc-sample') {
    progress('note: /usr/bin/time (GNU time) is missing: run `apt-get install time` for exact peak RSS; sampling /proc instead');
  }
  const machine = machineInfo();
  machine['package'] = `logsift ${(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version}`;

  const sizes: SizeResult[] = [];
  if (jobs.length > 0) for (const label of options.sizes) sizes.push(await runSize(label, jobs, options.runs, options.cli));
  const trace = withTrace
    ? await traceSection({
        cli: options.cli,
        root: ROOT,
        applog: ensureApplog(DATA_DIR, '1m', 1_000_000).file,
        access: ensureAccessLog(DATA_DIR, '1m', 1_000_000).file,
        access10m: ensureAccessLog(DATA_DIR, '10m', 10_000_000).file,
        runs: options.runs,
        progress,
      })
    : undefined;
  const access1m = (): string => ensureAccessLog(DATA_DIR, '1m', 1_000_000).file;
  const fanOut = withSection('fan-out') ? await fanOutSection({ cli: options.cli, access: access1m(), runs: options.runs, progress }) : undefined;
  const followLatency = withSection('follow-latency') ? await followLatencySection({ cli: options.cli, runs: options.runs, progress }) : undefined;
  // Requests per second are noisier than wall times: three pairs per run asked for.
  const inspector = withSection('inspector') ? await inspectorSection({ runs: options.runs * 3, seconds: 3, progress }) : undefined;
  const flat = flatness(sizes, jobs);
  const mismatches = sizes.flatMap((s) => s.jobs.flatMap((j) => j.checks.filter((c) => c.ok === false)));
  const results: BenchResults = {
    machine,
    runs: options.runs,
    cores: CORES,
    sizes,
    flatness: flat,
    targets: judgeTargets(sizes, flat, jobs),
    mismatches: mismatches.length,
    sections: Object.fromEntries(
      Object.entries({ trace, 'fan-out': fanOut, 'follow-latency': followLatency, inspector }).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  };

  if (options.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else {
    const parts = [formatMachine(machine)];
    for (const s of sizes) parts.push(...[formatSize(s, options.runs), formatScaling(s)].filter(Boolean));
    const flatText = formatFlatness(results);
    if (flatText) parts.push(flatText);
    else if (jobs.some((j) => j.flatRss)) parts.push('(RSS flatness needs two sizes, e.g. --sizes 1m,10m)');
    if (jobs.length > 0) parts.push(formatTargets(results.targets), formatCommands(results));
    if (trace) parts.push(trace);
    if (fanOut) parts.push(fanOut);
    if (followLatency) parts.push(followLatency.trimEnd());
    if (inspector) parts.push(inspector.trimEnd());
    process.stdout.write(parts.filter(Boolean).join('\n\n') + '\n');
  }
  if (mismatches.length > 0) {
    // Beside the tables, or on stderr when stdout is JSON, so nobody reading either misses it.
    const text = `!!! ${mismatches.length} answer mismatch(es):\n${mismatches.map((c) => `!!!   ${c.text}`).join('\n')}\n`;
    if (options.json) process.stderr.write(text);
    else process.stdout.write(`\n${text}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
