/**
 * `npm run bench`: logsift against mawk, `wc -l` (the I/O floor) and a naive Node.js version, on
 * the same generated combined logs, on the same machine, in one run.
 *
 *   node dist/bench/run.js [--sizes 1m,10m] [--runs 3] [--only filter,sum] [--json]
 *
 * Per size: generate (or reuse) the log, warm the page cache with one untimed `wc -l`, time the
 * floor, then for each job run every tool --runs times, interleaved (logsift, mawk, naive, logsift,
 * ...) so drift hits all alike. Answers are checked against mawk; timings are medians.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { csvGroups, csvNumber, diffGroups, markedEstimate, parsePlainGroups, parsePlainNumber } from './answers.js';
import { parseCount } from './chunk-file.js';
import { ensureAccessLog, ensureApplog } from './dataset.js';
import { selectJobs, type Job } from './jobs.js';
import { measure, median, rssMethod, type Command, type Measurement, type StdoutMode } from './measure.js';
import { formatCommands, formatFlatness, formatMachine, formatSize } from './report.js';
import { traceSection } from './trace.js';
import {
  judgeFlatness,
  type BenchResults,
  type CheckResult,
  type FlatnessResult,
  type JobResult,
  type SizeResult,
  type ToolName,
  type ToolResult,
} from './results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA_DIR = fileURLToPath(new URL('../../bench/.data/', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../logsift.mjs', import.meta.url)); // the shipped bundle
const NAIVE = fileURLToPath(new URL('./naive.js', import.meta.url));
const RSS_CAP_MIB = 100;

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
        process.stdout.write('usage: node dist/bench/run.js [--sizes 1m,10m] [--runs 3] [--only filter,sum,count-by-status,count-distinct,p99,trace] [--json] [--cli PATH/logsift.mjs]\n');
        process.exit(0);
      default:
        throw new Error(`unknown option: ${arg}`);
    }
  }
  return options;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function tryText(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
  } catch {
    return 'unavailable';
  }
}

function machineInfo(): Record<string, string> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpu[0]?.model ?? 'unknown'} x ${cpu.length}`,
    node: process.version,
    mawk: tryText('mawk', ['-W', 'version']),
    'peak RSS from':
      rssMethod() === 'gnu-time'
        ? 'GNU time %M (ru_maxrss; a pipeline reports its largest process)'
        : 'sampling /proc VmHWM every 5 ms (a sample: install GNU time with `apt-get install time` for exact peaks)',
  };
}

/** The text a failed command left: the line naming the error, else the last stderr line. */
function failureText(m: Measurement): string {
  const err =
    /^\s*(?:\w*Error(?: \[\w+\])?: .*|FATAL ERROR: .*|logsift: .*)$/m.exec(m.stderr)?.[0] ??
    m.stderr.trim().split('\n').pop() ??
    '';
  return `exit ${m.exitCode}${err ? `: ${err.trim().slice(0, 200)}` : ''}`;
}

function describe(c: Command): string {
  const quote = (a: string) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [c.cmd === process.execPath ? 'node' : c.cmd, ...c.args.map(quote)].join(' ');
}

class ToolRunner {
  readonly result: ToolResult;
  /** Stdout of the first successful run (mode 'capture'), used for the answer checks. */
  firstStdout: string | undefined;

  constructor(
    tool: ToolName,
    readonly command: Command,
    readonly mode: StdoutMode,
  ) {
    this.result = { tool, command: describe(command), runs: [], medianS: NaN, peakRssMiB: NaN };
  }

  async runOnce(label: string): Promise<void> {
    if (this.result.error !== undefined) return;
    const m = await measure(this.command, this.mode);
    if (m.exitCode !== 0) {
      this.result.error = failureText(m);
      progress(`  ${label} ${this.result.tool}: FAILED (${this.result.error})`);
      return;
    }
    this.firstStdout ??= m.stdout;
    this.result.runs.push({ wallS: m.wallS, peakRssKiB: m.peakRssKiB });
    this.result.medianS = median(this.result.runs.map((r) => r.wallS));
    this.result.peakRssMiB = Math.max(...this.result.runs.map((r) => r.peakRssKiB)) / 1024;
    progress(`  ${label} ${this.result.tool}: ${m.wallS.toFixed(3)} s, ${(m.peakRssKiB / 1024).toFixed(1)} MiB`);
  }
}

let cli = BUILT_CLI;

function logsiftCommand(query: string, file: string, extra: string[] = []): Command {
  return { cmd: process.execPath, args: [cli, '--no-progress', ...extra, query, file] };
}

/** Runs each tool once more with its output counted; a tool whose timed runs failed is not rerun. */
async function checkFilter(job: Job, runners: ToolRunner[]): Promise<CheckResult[]> {
  const counts: string[] = [];
  const values = new Map<ToolName, number>();
  for (const runner of runners) {
    const tool = runner.result.tool;
    const m = runner.result.error === undefined ? await measure(runner.command, 'count-lines') : undefined;
    if (m === undefined || m.exitCode !== 0) counts.push(`${tool} failed`);
    else {
      values.set(tool, m.stdoutLines);
      counts.push(`${tool} ${m.stdoutLines}`);
    }
  }
  const ok = values.has('mawk') && values.has('logsift') && new Set(values.values()).size === 1;
  return [{ ok, text: `${job.query}: output lines: ${counts.join(', ')}` }];
}

/** logsift's number against mawk's: equal when exact, else within a sketch's error. */
function numberCheck(job: Job, logsift: number, estimate: boolean, mawk: number): CheckResult {
  const column = job.query;
  if (!Number.isFinite(logsift) || !Number.isFinite(mawk)) {
    return { ok: false, text: `${column}: could not read an answer (logsift ${logsift}, mawk ${mawk})` };
  }
  if (job.exact && !estimate) {
    return { ok: logsift === mawk, text: `${column}: logsift ${logsift}, mawk ${mawk} (exact)` };
  }
  const rel = mawk === 0 ? Math.abs(logsift) : Math.abs(logsift - mawk) / Math.abs(mawk);
  const what = estimate ? 'logsift marks it an estimate' : 'logsift may answer from a sketch';
  // logsift's sketches promise about 1-2% relative error; beyond 5% something is wrong.
  return {
    ok: rel <= 0.05 ? null : false,
    text: `${column}: logsift ${logsift}, mawk ${mawk} (exact), relative difference ${(rel * 100).toFixed(2)}% (${what})`,
  };
}

/** The naive peer must agree with mawk exactly (both compute exactly); a disagreement means a broken peer. */
function naiveCheck(job: Job, naiveText: string | undefined, mawkText: string): CheckResult | null {
  if (naiveText === undefined) return null;
  const same =
    job.answer === 'groups'
      ? diffGroups(parsePlainGroups(naiveText), parsePlainGroups(mawkText), 'naive', 'mawk').length === 0
      : parsePlainNumber(naiveText) === parsePlainNumber(mawkText);
  return same ? null : { ok: false, text: `${job.query}: naive (${naiveText.trim().slice(0, 80)}) differs from mawk` };
}

async function checkAggregate(job: Job, file: string, runners: ToolRunner[]): Promise<CheckResult[]> {
  const [logsiftRun, mawkRun, naiveRun] = runners;
  const mawkText = mawkRun?.firstStdout;
  if (mawkText === undefined) return [{ ok: false, text: `${job.query}: mawk gave no answer` }];
  const checks: CheckResult[] = [];
  const naive = naiveCheck(job, naiveRun?.firstStdout, mawkText);
  if (naive) checks.push(naive);

  const csv = await measure(logsiftCommand(job.query, file, ['--csv']), 'capture');
  if (csv.exitCode !== 0) return [{ ok: false, text: `${job.query}: logsift --csv failed: ${failureText(csv)}` }, ...checks];
  const estimate = markedEstimate(logsiftRun?.firstStdout ?? '', csv.stderr);

  if (job.answer === 'groups') {
    const ours = csvGroups(csv.stdout, 'status');
    const diff = diffGroups(ours, parsePlainGroups(mawkText), 'logsift', 'mawk');
    checks.unshift(
      ours.size === 0
        ? { ok: false, text: `${job.query}: no groups read from logsift --csv: ${csv.stdout.slice(0, 80)}` }
        : diff.length === 0
          ? { ok: true, text: `${job.query}: ${ours.size} groups, equal to mawk` }
          : { ok: false, text: `${job.query}: ${diff.slice(0, 5).join('; ')}` },
    );
  } else {
    checks.unshift(numberCheck(job, csvNumber(csv.stdout, job.query), estimate, parsePlainNumber(mawkText)));
  }
  return checks;
}

async function runJob(job: Job, file: string, runs: number): Promise<JobResult> {
  const aggregate = job.answer !== 'lines';
  const mode: StdoutMode = aggregate ? 'capture' : 'discard';
  const runners = [
    new ToolRunner('logsift', logsiftCommand(job.query, file), mode),
    new ToolRunner('mawk', job.mawk(file), mode),
    new ToolRunner('naive', { cmd: process.execPath, args: [NAIVE, job.id, file] }, mode),
  ];
  for (let r = 0; r < runs; r++) {
    for (const runner of runners) await runner.runOnce(`${job.id} run ${r + 1}/${runs}`);
  }
  progress(`  ${job.id}: checking answers`);
  const checks = aggregate ? await checkAggregate(job, file, runners) : await checkFilter(job, runners);
  for (const c of checks) if (c.ok === false) progress(`!!! MISMATCH ${job.id}: ${c.text}`);

  const [logsift, mawk] = runners.map((r) => r.result);
  const ratio = logsift!.medianS / mawk!.medianS;
  return {
    job: job.id,
    query: job.query,
    tools: runners.map((r) => r.result),
    targetRatio: job.targetRatio,
    ratio,
    pass: Number.isFinite(ratio) ? ratio <= job.targetRatio : null,
    checks,
  };
}

async function runSize(label: string, jobs: Job[], runs: number): Promise<SizeResult> {
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

  const results: JobResult[] = [];
  for (const job of jobs) results.push(await runJob(job, data.file, runs));
  return { label, lines, bytes: data.bytes, file: data.file, floor: floor.result, jobs: results };
}

function flatness(sizes: SizeResult[], jobs: Job[]): FlatnessResult[] {
  if (sizes.length < 2) return [];
  const bySize = [...sizes].sort((a, b) => a.lines - b.lines);
  const small = bySize[0]!;
  const large = bySize[bySize.length - 1]!;
  const rss = (s: SizeResult, id: string) =>
    s.jobs.find((j) => j.job === id)?.tools.find((t) => t.tool === 'logsift')?.peakRssMiB ?? NaN;
  return jobs
    .filter((j) => j.flatRss)
    .map((j) => {
      const smallRssMiB = rss(small, j.id);
      const largeRssMiB = rss(large, j.id);
      return {
        job: j.id,
        smallLabel: small.label,
        largeLabel: large.label,
        smallRssMiB,
        largeRssMiB,
        capMiB: RSS_CAP_MIB,
        pass: judgeFlatness(smallRssMiB, largeRssMiB, RSS_CAP_MIB),
      };
    });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // `trace` in --only is the logsift trace section (bench/trace.ts), not a query job.
  const only = options.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const withTrace = only === undefined || only.includes('trace');
  const queryJobs = only?.filter((s) => s !== 'trace');
  const jobs = queryJobs === undefined ? selectJobs(undefined) : queryJobs.length > 0 ? selectJobs(queryJobs.join(',')) : [];
  cli = options.cli;
  if (!existsSync(cli)) {
    progress(`note: ${cli} is missing (build with \`npx tsc -p .\`); logsift rows will show FAILED`);
  }
  if (rssMethod() === 'proc-sample') {
    progress('note: /usr/bin/time (GNU time) is missing: run `apt-get install time` for exact peak RSS; sampling /proc instead');
  }
  const machine = machineInfo();
  machine['package'] = `logsift ${(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string }).version}`;

  const sizes: SizeResult[] = [];
  if (jobs.length > 0) for (const label of options.sizes) sizes.push(await runSize(label, jobs, options.runs));
  const trace = withTrace
    ? await traceSection({
        cli,
        root: ROOT,
        applog: ensureApplog(DATA_DIR, '1m', 1_000_000).file,
        access: ensureAccessLog(DATA_DIR, '1m', 1_000_000).file,
        runs: options.runs,
        progress,
      })
    : undefined;
  const results: BenchResults = { machine, runs: options.runs, sizes, flatness: flatness(sizes, jobs) };

  if (options.json) {
    process.stdout.write(JSON.stringify(results, null, 2) + '\n');
    return;
  }
  const parts = [formatMachine(machine), ...sizes.map((s) => formatSize(s, options.runs))];
  const flat = formatFlatness(results);
  if (flat) parts.push(flat);
  else if (jobs.some((j) => j.flatRss)) parts.push('(RSS flatness needs two sizes, e.g. --sizes 1m,10m)');
  if (jobs.length > 0) parts.push(formatCommands(results));
  if (trace) parts.push(trace);
  process.stdout.write(parts.join('\n\n') + '\n');
  const mismatches = sizes.flatMap((s) => s.jobs.flatMap((j) => j.checks.filter((c) => c.ok === false)));
  if (mismatches.length > 0) process.stdout.write(`\n!!! ${mismatches.length} answer mismatch(es): see "answers" above\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
