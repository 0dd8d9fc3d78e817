/**
 * The answer checks after a job's timed runs: every logsift --jobs setting against mawk (and the
 * naive peer against mawk), and every setting against --jobs 1, byte for byte. Each logsift
 * setting runs once more with --profile, untimed, which says how many threads it really ran on.
 */
import { csvGroups, csvNumber, diffGroups, markedEstimate, parsePlainGroups, parsePlainNumber } from './answers.js';
import type { Job } from './jobs.js';
import { measure, type Measurement } from './measure.js';
import type { CheckResult } from './results.js';
import { failureText, logsiftCommand, type ToolRunner } from './runner.js';
import { PARALLEL_THRESHOLD } from '../src/engine/parallel.js';

export interface CheckContext {
  cli: string;
  file: string;
  bytes: number;
}

/** The run's --profile line on threads: "one thread" or "2 worker threads, 8 parts (...)". */
function profileThreads(stderr: string): string {
  return /^(one thread|\d+ worker threads?, \d+ parts?)/m.exec(stderr)?.[1] ?? 'unknown (no thread line in --profile)';
}

/** One untimed --profile run of a logsift setting; records the thread line on the runner. */
async function profileRun(job: Job, ctx: CheckContext, runner: ToolRunner, mode: 'capture' | 'count-lines'): Promise<Measurement | undefined> {
  if (runner.result.error !== undefined) return undefined;
  const m = await measure(logsiftCommand(ctx.cli, job.query, ctx.file, runner.result.jobs!, [...(job.logsiftArgs ?? []), '--profile']), mode);
  runner.result.threads = m.exitCode === 0 ? profileThreads(m.stderr) : `failed (${failureText(m)})`;
  if (m.exitCode !== 0) return undefined;
  if (mode === 'capture') runner.outputs.add(m.stdout);
  return m;
}

/**
 * Whether a setting ran on the threads it was asked for. Inputs under the engine's threshold stay
 * on one thread whatever --jobs says; a big file on one thread would make the scaling figures lie.
 */
function threadsCheck(job: Job, ctx: CheckContext, runner: ToolRunner): CheckResult | null {
  const jobs = runner.result.jobs!;
  const threads = runner.result.threads;
  if (threads === undefined) return null; // its timed runs failed, reported already
  const parallel = jobs > 1 && ctx.bytes >= PARALLEL_THRESHOLD;
  const ok = parallel ? threads.startsWith(`${jobs} worker threads`) : threads === 'one thread';
  if (ok && !(jobs > 1 && !parallel)) return null;
  return {
    ok: ok ? null : false,
    text: `${job.query}: ${runner.label} ran on ${threads}, expected ${parallel ? `${jobs} worker threads` : 'one thread'}${
      parallel ? '' : ' (input under the parallel threshold)'
    }`,
  };
}

/**
 * A setting's answer, to compare across settings: its one stdout (aggregates; every timed run and
 * the --profile run), or its line count and hash (lines). "varied" when its own runs disagreed.
 */
function answerOf(job: Job, r: ToolRunner, lines: Map<ToolRunner, Measurement>): string | 'varied' | undefined {
  if (job.answer === 'lines') {
    const m = lines.get(r);
    return m === undefined ? undefined : `${m.stdoutLines} lines, sha256 ${m.stdoutSha256.slice(0, 16)}`;
  }
  if (r.outputs.size > 1) return 'varied';
  return r.outputs.size === 1 ? [...r.outputs][0] : undefined;
}

/** Every setting's answer against --jobs 1's: stdout byte-identical (aggregates), or count and hash (lines). */
function sameAsJobs1(job: Job, settings: ToolRunner[], lines: Map<ToolRunner, Measurement>, estimates: Set<ToolRunner>): CheckResult[] {
  const [base, ...others] = settings;
  if (!base) return [];
  const expected = answerOf(job, base, lines);
  const show = (a: string | undefined) =>
    a === undefined ? 'no answer' : a === 'varied' ? 'different answers over its runs' : JSON.stringify(a.trim().slice(0, 120));
  const checks: CheckResult[] = [];
  base.result.sameAsJobs1 = expected === undefined ? null : expected !== 'varied';
  if (expected === 'varied') checks.push({ ok: false, text: `${job.query}: ${base.label} printed ${show(expected)}` });
  for (const r of others) {
    const got = answerOf(job, r, lines);
    if (got === undefined || expected === undefined) {
      r.result.sameAsJobs1 = null;
      checks.push({ ok: false, text: `${job.query}: cannot compare ${r.label} with ${base.label}: ${got === undefined ? r.label : base.label} gave no answer` });
      continue;
    }
    const same = got === expected && got !== 'varied';
    r.result.sameAsJobs1 = same;
    if (same) {
      checks.push({ ok: true, text: `${job.query}: ${r.label} byte-identical to ${base.label} (${job.answer === 'lines' ? got : 'stdout, every run'})` });
      continue;
    }
    // A sketch's answer may depend on how partial sketches were merged; within its error, that is allowed.
    const sketch = estimates.has(base) && estimates.has(r) && got !== 'varied' && expected !== 'varied';
    checks.push({
      ok: sketch ? null : false,
      text: `${job.query}: ${r.label} differs from ${base.label}: ${show(got)} vs ${show(expected)}${sketch ? ' (both marked estimates)' : ''}`,
    });
  }
  return checks;
}

/** Runs each tool once more with its output counted and hashed; a tool whose timed runs failed is not rerun. */
export async function checkLines(job: Job, ctx: CheckContext, settings: ToolRunner[], peers: ToolRunner[]): Promise<CheckResult[]> {
  const counts: string[] = [];
  const values = new Map<string, number>();
  const measured = new Map<ToolRunner, Measurement>();
  for (const runner of settings) {
    const m = await profileRun(job, ctx, runner, 'count-lines');
    if (m) measured.set(runner, m);
  }
  for (const runner of peers) {
    const m = runner.result.error === undefined ? await measure(runner.command, 'count-lines') : undefined;
    if (m !== undefined && m.exitCode === 0) measured.set(runner, m);
  }
  for (const runner of [...settings, ...peers]) {
    const m = measured.get(runner);
    if (m === undefined) counts.push(`${runner.label} failed`);
    else {
      values.set(runner.label, m.stdoutLines);
      counts.push(`${runner.label} ${m.stdoutLines}`);
    }
  }
  const mawk = peers.find((p) => p.result.tool === 'mawk');
  const ok = mawk !== undefined && values.has(mawk.label) && settings.every((s) => values.has(s.label)) && new Set(values.values()).size === 1;
  // mawk prints the original lines too, so equal bytes are expected; said, not judged (the count is the check).
  const mawkHash = mawk && measured.get(mawk)?.stdoutSha256;
  const baseHash = settings[0] && measured.get(settings[0])?.stdoutSha256;
  const bytes = mawkHash && baseHash ? `; ${settings[0]!.label}'s bytes ${mawkHash === baseHash ? 'identical to' : 'DIFFER from'} mawk's` : '';
  const checks: CheckResult[] = [{ ok, text: `${job.query}: output lines: ${counts.join(', ')}${bytes}` }];
  checks.push(...sameAsJobs1(job, settings, measured, new Set()));
  for (const s of settings) {
    const t = threadsCheck(job, ctx, s);
    if (t) checks.push(t);
  }
  return checks;
}

/** logsift's number against mawk's: equal when exact, else within a sketch's error. */
function numberCheck(job: Job, who: string, logsift: number, estimate: boolean, mawk: number): CheckResult {
  const column = `${job.query} (${who})`;
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

/** One logsift setting against mawk, read from a --csv run (the table's layout is not the contract). */
async function againstMawk(job: Job, ctx: CheckContext, runner: ToolRunner, mawkText: string): Promise<{ check: CheckResult; estimate: boolean }> {
  const who = runner.label;
  const csv = await measure(logsiftCommand(ctx.cli, job.query, ctx.file, runner.result.jobs!, [...(job.logsiftArgs ?? []), '--csv']), 'capture');
  if (csv.exitCode !== 0) return { check: { ok: false, text: `${job.query}: ${who} --csv failed: ${failureText(csv)}` }, estimate: false };
  const estimate = markedEstimate(runner.firstStdout ?? '', csv.stderr);
  if (job.answer !== 'groups') {
    return { check: numberCheck(job, who, csvNumber(csv.stdout, job.query), estimate, parsePlainNumber(mawkText)), estimate };
  }
  const ours = csvGroups(csv.stdout, 'status');
  const diff = diffGroups(ours, parsePlainGroups(mawkText), who, 'mawk');
  const check: CheckResult =
    ours.size === 0
      ? { ok: false, text: `${job.query}: no groups read from ${who} --csv: ${csv.stdout.slice(0, 80)}` }
      : diff.length === 0
        ? { ok: true, text: `${job.query}: ${who}: ${ours.size} groups, equal to mawk` }
        : { ok: false, text: `${job.query}: ${diff.slice(0, 5).join('; ')}` };
  return { check, estimate };
}

export async function checkAggregate(job: Job, ctx: CheckContext, settings: ToolRunner[], peers: ToolRunner[]): Promise<CheckResult[]> {
  const mawkText = peers.find((p) => p.result.tool === 'mawk')?.firstStdout;
  const checks: CheckResult[] = [];
  const estimates = new Set<ToolRunner>();
  for (const runner of settings) await profileRun(job, ctx, runner, 'capture');
  if (mawkText === undefined) checks.push({ ok: false, text: `${job.query}: mawk gave no answer` });
  else {
    for (const runner of settings) {
      if (runner.result.error !== undefined && runner.firstStdout === undefined) {
        checks.push({ ok: false, text: `${job.query}: ${runner.label} gave no answer` });
        continue;
      }
      const { check, estimate } = await againstMawk(job, ctx, runner, mawkText);
      if (estimate) estimates.add(runner);
      checks.push(check);
    }
    const naive = naiveCheck(job, peers.find((p) => p.result.tool === 'naive')?.firstStdout, mawkText);
    if (naive) checks.push(naive);
    const grepText = peers.find((p) => p.result.tool === 'grep')?.firstStdout;
    if (grepText !== undefined && parsePlainNumber(grepText) !== parsePlainNumber(mawkText)) {
      checks.push({ ok: false, text: `${job.query}: grep (${grepText.trim().slice(0, 80)}) differs from mawk` });
    }
  }
  checks.push(...sameAsJobs1(job, settings, new Map(), estimates));
  for (const s of settings) {
    const t = threadsCheck(job, ctx, s);
    if (t) checks.push(t);
  }
  return checks;
}
