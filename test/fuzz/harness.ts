/**
 * The fuzz harness: runs generated cases through runCli in a worker thread under a per-case
 * watchdog, judges them with the oracle, minimises failures where that is cheap, and reports
 * them grouped by cause. Used by fuzz.test.ts (small, fixed case count) and run.ts (big runs).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DIR, type Corpus, type FuzzCase, type Kind } from './case.js';
import { buildCorpus } from './gen/archives.js';
import { makeCase } from './gen/index.js';
import { judge, signature, type Outcome, type Verdict } from './oracle.js';
import type { RunRequest, WorkerReply } from './worker.js';

/**
 * The worker's V8 stack, in MiB. A worker's default (4 MiB) is about four times the CLI's main
 * thread, so stack overflows would need far deeper inputs in the worker than in the shipped
 * CLI. 1.2 MiB makes the worker's limits a little above the CLI's (2,034 vs 1,841 parentheses,
 * 6,499 vs 5,921 nots), so that a case minimised in the worker still fails in the CLI.
 */
const WORKER_STACK_MB = 1.2;
/** Heap for the worker: a case that needs more than this is a failure (out of memory). */
const WORKER_HEAP_MB = 1024;
const WORKER_START_MS = 30_000;

export interface FuzzOptions {
  readonly seed: number;
  readonly kinds: readonly Kind[];
  /** Cases per kind: the run is deterministic for a seed and these counts. */
  readonly cases?: Partial<Record<Kind, number>>;
  /** Or stop starting cases after this many seconds (cases go round-robin over the kinds). */
  readonly seconds?: number;
  /** The watchdog: a case running longer than this hangs. */
  readonly budgetMs: number;
  /** Try smaller versions of failing cases (within minimiseSeconds in all). */
  readonly minimise: boolean;
  readonly minimiseSeconds: number;
  /** After this many hangs of one kind and shape, its further cases are skipped. */
  readonly maxHangsPerShape: number;
  /** Run just this case (with an optional size override), e.g. to replay a failure. */
  readonly only?: { readonly kind: Kind; readonly index: number; readonly size: number | null };
  /** Keep the temporary directory (its path is in the report). */
  readonly keep?: boolean;
  /** Progress lines (big runs print them). */
  readonly log?: (line: string) => void;
}

export interface Failure {
  readonly case: FuzzCase;
  readonly outcome: Outcome;
  readonly verdicts: readonly Verdict[];
  /** kind, shape and the first verdict's signature: one group per cause. */
  readonly group: string;
  minimised?: { readonly case: FuzzCase; readonly outcome: Outcome; readonly note: string };
}

export interface FuzzReport {
  readonly seed: number;
  readonly ran: Record<string, number>;
  readonly skipped: number;
  readonly failures: readonly Failure[];
  readonly elapsedMs: number;
  readonly notes: readonly string[];
  readonly slowest: readonly { readonly case: FuzzCase; readonly ms: number }[];
  readonly tempDir: string | null;
}

// ---------------------------------------------------------------------------------------------
// Running one argv in the worker, under the watchdog

interface Pending {
  readonly id: number;
  /** The worker running it: a terminated worker's late 'exit' must not settle a newer run. */
  readonly worker: Worker;
  readonly started: number;
  readonly resolve: (outcome: Outcome) => void;
  readonly timer: NodeJS.Timeout;
}

export class CaseRunner {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  /** A hung worker being terminated: the next run waits for it, so the two never share the CPU. */
  private terminating: Promise<unknown> | null = null;
  private nextId = 1;
  /** Workers started, restarts included. */
  starts = 0;

  private spawn(): Promise<void> {
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: WORKER_HEAP_MB },
      stdout: true, // anything written to process.stdout/stderr directly is dropped
      stderr: true,
      stdin: false,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    this.worker = worker;
    this.starts++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the fuzz worker did not start')), WORKER_START_MS);
      worker.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (reply.type === 'done') {
          const p = this.pending;
          if (!p || p.id !== reply.id || p.worker !== worker) return;
          this.settle(
            reply.threw !== undefined
              ? { status: 'crash', error: `runCli threw ${reply.threw}`, ms: reply.ms }
              : { status: 'exited', code: reply.code, messages: reply.messages, droppedMessages: reply.droppedMessages, badShape: reply.badShape, ms: reply.ms },
          );
        }
      });
      worker.on('error', (error) => {
        clearTimeout(timer);
        if (this.worker === worker) this.forget();
        const p = this.pending;
        if (p && p.worker === worker) this.settle({ status: 'crash', error: `${error.name}: ${error.message}`, ms: performance.now() - p.started });
        reject(error);
      });
      worker.on('exit', (code) => {
        clearTimeout(timer);
        if (this.worker === worker) this.forget();
        const p = this.pending;
        if (p && p.worker === worker) this.settle({ status: 'crash', error: `worker exited with code ${code}`, ms: performance.now() - p.started });
        reject(new Error(`the fuzz worker exited with code ${code}`));
      });
    });
  }

  private forget(): void {
    this.worker = null;
    this.ready = null;
  }

  private settle(outcome: Outcome): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve(outcome);
  }

  /** Runs `logsift ...argv` in the worker; a hang terminates the worker (the next run starts one). */
  async run(argv: readonly string[], budgetMs: number): Promise<Outcome> {
    if (this.terminating) {
      await Promise.race([this.terminating, new Promise((resolve) => setTimeout(resolve, WORKER_START_MS).unref())]);
      this.terminating = null;
    }
    if (!this.ready) {
      this.ready = this.spawn();
      this.ready.catch(() => undefined); // reported through the pending run, or below
    }
    try {
      await this.ready;
    } catch (error) {
      this.forget();
      return { status: 'crash', error: `worker failed to start: ${(error as Error).message}`, ms: 0 };
    }
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<Outcome>((resolve) => {
      const started = performance.now();
      const timer = setTimeout(() => {
        this.settle({ status: 'hang', ms: performance.now() - started });
        this.forget();
        this.terminating = worker.terminate().catch(() => undefined);
      }, budgetMs);
      this.pending = { id, worker, started, resolve, timer };
      const request: RunRequest = { type: 'run', id, argv };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.forget();
    if (worker) await worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Case directories

/** Writes a case's files, directories and links under `dir` and returns its argv for the CLI. */
export function materialise(c: FuzzCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const d of c.dirs) mkdirSync(join(dir, d), { recursive: true });
  for (const f of c.files) {
    const path = join(dir, f.name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.data);
  }
  for (const l of c.links) {
    const path = join(dir, l.name);
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(l.target, path);
  }
  return ['--no-progress', ...c.argv.map((a) => a.split(DIR).join(dir))];
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * The group of a failure: its kind, its shape (a stack overflow from deep parentheses and one
 * from a `not` chain are different causes) and the normalised message. A message-shape problem
 * echoes what the user wrote, whatever made it, so it is grouped without the shape.
 */
function groupOf(c: FuzzCase, v: Verdict, dir: string): string {
  return v.problem === 'message shape' ? `${c.kind} | ${signature(v, dir)}` : `${c.kind} ${c.shape} | ${signature(v, dir)}`;
}

class Session {
  readonly runner = new CaseRunner();
  readonly root: string;
  private serial = 0;

  constructor(readonly options: FuzzOptions) {
    this.root = mkdtempSync(join(tmpdir(), 'logsift-fuzz-'));
  }

  /** Runs one case in a fresh directory; returns its outcome, verdicts and (first) group. */
  async attempt(c: FuzzCase): Promise<{ outcome: Outcome; verdicts: Verdict[]; group: string | null }> {
    const dir = join(this.root, `${c.kind}-${c.index}-${this.serial++}`);
    let outcome: Outcome;
    try {
      outcome = await this.runner.run(materialise(c, dir), this.options.budgetMs);
    } finally {
      if (!this.options.keep) rmSync(dir, { recursive: true, force: true });
    }
    const verdicts = judge(outcome);
    return { outcome, verdicts, group: verdicts.length > 0 ? groupOf(c, verdicts[0]!, dir) : null };
  }

  async close(): Promise<void> {
    await this.runner.close();
    if (!this.options.keep) rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs the fuzz cases the options ask for and reports every failure. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const corpus = buildCorpus();
  const session = new Session(options);
  const failures: Failure[] = [];
  const ran: Record<string, number> = {};
  const hangsByShape = new Map<string, number>();
  const timings: { case: FuzzCase; ms: number; hung: boolean }[] = [];
  let skipped = 0;
  const deadline = options.seconds !== undefined ? started + options.seconds * 1000 : Infinity;

  const runOne = async (c: FuzzCase): Promise<void> => {
    const shapeKey = `${c.kind} ${c.shape}`;
    if ((hangsByShape.get(shapeKey) ?? 0) >= options.maxHangsPerShape) {
      skipped++;
      return;
    }
    ran[c.kind] = (ran[c.kind] ?? 0) + 1;
    const { outcome, verdicts, group } = await session.attempt(c);
    timings.push({ case: c, ms: outcome.ms, hung: outcome.status === 'hang' });
    if (outcome.status === 'hang') hangsByShape.set(shapeKey, (hangsByShape.get(shapeKey) ?? 0) + 1);
    if (group !== null) {
      failures.push({ case: c, outcome, verdicts, group });
      log(`FAIL ${c.kind} #${c.index} (${c.shape}): ${verdicts.map((v) => v.problem).join(', ')}: ${verdicts[0]!.detail.split('\n')[0]}`);
    }
  };

  try {
    if (options.only) {
      const { kind, index, size } = options.only;
      await runOne(makeCase(kind, options.seed, index, corpus, size));
    } else {
      const counts = options.cases ?? {};
      const limit = (k: Kind): number => counts[k] ?? (options.seconds !== undefined ? Infinity : 0);
      let lastLog = performance.now();
      for (let index = 0; ; index++) {
        const kinds = options.kinds.filter((k) => index < limit(k));
        if (kinds.length === 0 || performance.now() >= deadline) break;
        for (const kind of kinds) {
          if (performance.now() >= deadline) break;
          await runOne(makeCase(kind, options.seed, index, corpus));
        }
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`... ${Object.entries(ran).map(([k, n]) => `${k} ${n}`).join(', ')}; ${failures.length} failures, ${Math.round((lastLog - started) / 1000)} s`);
        }
      }
    }
    if (options.minimise) await minimiseAll(session, corpus, failures, options, log);
  } finally {
    await session.close();
  }
  timings.sort((a, b) => b.ms - a.ms);
  return {
    seed: options.seed,
    ran,
    skipped,
    failures,
    elapsedMs: performance.now() - started,
    notes: corpus.notes,
    slowest: timings.filter((t) => !t.hung).slice(0, 5).map((t) => ({ case: t.case, ms: t.ms })),
    tempDir: options.keep ? session.root : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Minimising: smaller size parameter, fewer query tokens, fewer input lines

/** Query tokens: strings, regexes, punctuation, words (spaces are dropped and put back as one). */
const QUERY_TOKEN = /"(?:[^"\\]|\\.)*"?|'[^']*'?|\/(?:[^/\\\n]|\\.)*\/[a-z]*|[()|,]|[^\s()|,]+/g;

function withQuery(c: FuzzCase, query: string): FuzzCase {
  const argv = [...c.argv];
  argv[c.queryIndex!] = query;
  return { ...c, argv };
}

function withFileLines(c: FuzzCase, file: number, lines: readonly string[]): FuzzCase {
  const files = [...c.files];
  files[file] = { ...files[file]!, data: lines.join('\n') };
  return { ...c, files };
}

/** ddmin-style: drops chunks of items while the case still fails; at most `tries` attempts. */
async function shrinkList<T>(items: T[], stillFails: (kept: T[]) => Promise<boolean>, tries: { left: number }): Promise<T[]> {
  let current = items;
  let chunks = 2;
  while (current.length > 1 && tries.left > 0) {
    const size = Math.ceil(current.length / chunks);
    let removed = false;
    for (let start = 0; start < current.length && tries.left > 0; start += size) {
      const kept = [...current.slice(0, start), ...current.slice(start + size)];
      if (kept.length === 0) continue;
      tries.left--;
      if (await stillFails(kept)) {
        current = kept;
        removed = true;
        chunks = Math.max(chunks - 1, 2);
        break;
      }
    }
    if (!removed) {
      if (size === 1) break;
      chunks = Math.min(current.length, chunks * 2);
    }
  }
  return current;
}

async function minimiseAll(session: Session, corpus: Corpus, failures: Failure[], options: FuzzOptions, log: (line: string) => void): Promise<void> {
  const deadline = performance.now() + options.minimiseSeconds * 1000;
  // One example per group: the first met.
  const seen = new Set<string>();
  for (const f of failures) {
    if (seen.has(f.group)) continue;
    seen.add(f.group);
    if (f.outcome.status === 'hang') {
      f.minimised = { case: f.case, outcome: f.outcome, note: 'not minimised: every try of a hang costs the whole budget' };
      continue;
    }
    if (performance.now() >= deadline) break;
    let best = f.case;
    let bestOutcome: Outcome = f.outcome;
    const notes: string[] = [];
    const fails = async (c: FuzzCase): Promise<boolean> => {
      if (performance.now() >= deadline) return false;
      const r = await session.attempt(c);
      if (r.group === f.group) {
        best = c;
        bestOutcome = r.outcome;
        return true;
      }
      return false;
    };

    // 1. The size parameter: halve while it fails, then bisect to the threshold.
    if (f.case.size) {
      const { name, value } = f.case.size;
      let failing = value;
      let passing = 0;
      for (let s = Math.floor(value / 2); s >= 1; s = Math.floor(s / 2)) {
        if (await fails(makeCase(f.case.kind, f.case.seed, f.case.index, corpus, s))) failing = s;
        else {
          passing = s;
          break;
        }
      }
      while (failing - passing > 1 && failing - passing > failing / 200 && performance.now() < deadline) {
        const mid = Math.floor((failing + passing) / 2);
        if (await fails(makeCase(f.case.kind, f.case.seed, f.case.index, corpus, mid))) failing = mid;
        else passing = mid;
      }
      // `best` is the last failing try, which is the case of size `failing`.
      if (failing !== value) notes.push(`${name} ${value} -> ${failing} (passes at ${passing})`);
    }

    // 2. Query tokens.
    const tries = { left: 80 };
    if (best.queryIndex !== null) {
      const base = best;
      const query = base.argv[base.queryIndex!]!;
      const tokens = query.match(QUERY_TOKEN) ?? [];
      // Long hostile queries were shrunk by size already; token by token they would take ages.
      if (tokens.length > 1 && tokens.length <= 300 && (tokens.join(' ') === query || (await fails(withQuery(base, tokens.join(' ')))))) {
        const kept = await shrinkList(tokens, (t) => fails(withQuery(base, t.join(' '))), tries);
        if (kept.length < tokens.length) notes.push(`query ${tokens.length} -> ${kept.length} tokens`);
      }
    }

    // 3. Input lines.
    for (let i = 0; i < best.files.length && tries.left > 0; i++) {
      const file = best.files[i]!;
      if (file.binary) continue;
      const text = typeof file.data === 'string' ? file.data : file.data.toString('latin1');
      if (typeof file.data !== 'string' && Buffer.from(text, 'latin1').toString('utf8') !== file.data.toString('utf8')) continue;
      const lines = text.split('\n');
      if (lines.length <= 1) continue;
      const base = best;
      const asText = (kept: string[]): FuzzCase => {
        const c = withFileLines(base, i, kept);
        return typeof file.data === 'string' ? c : { ...c, files: c.files.map((x, k) => (k === i ? { ...x, data: Buffer.from(kept.join('\n'), 'latin1') } : x)) };
      };
      const kept = await shrinkList(lines, (k) => fails(asText(k)), tries);
      if (kept.length < lines.length) notes.push(`${file.name} ${lines.length} -> ${kept.length} lines`);
    }
    f.minimised = { case: best, outcome: bestOutcome, note: notes.length > 0 ? notes.join('; ') : 'no smaller case found' };
    log(`minimised ${f.case.kind} #${f.case.index}: ${f.minimised.note}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** Shows long text compactly: runs of a repeated unit become `"unit"×N`; clipped to `max`. */
export function describeText(s: string, max = 300): string {
  const parts: string[] = [];
  let literal = '';
  let length = 0;
  const flush = (): void => {
    if (literal) parts.push(JSON.stringify(literal));
    length += literal.length;
    literal = '';
  };
  let i = 0;
  while (i < s.length && length + literal.length < max) {
    let bestUnit = '';
    let bestReps = 0;
    for (let L = 1; L <= 16 && i + L <= s.length; L++) {
      const unit = s.slice(i, i + L);
      let reps = 1;
      while (s.startsWith(unit, i + reps * L)) reps++;
      if (reps >= 4 && reps * L >= 24 && reps * L > bestReps * bestUnit.length) {
        bestUnit = unit;
        bestReps = reps;
      }
    }
    if (bestReps > 0) {
      flush();
      parts.push(`${JSON.stringify(bestUnit)}×${bestReps}`);
      length += bestUnit.length + 4;
      i += bestUnit.length * bestReps;
    } else {
      literal += s[i];
      i++;
    }
  }
  flush();
  const shown = parts.join(' + ') || '""';
  return i < s.length ? `${shown} ... (${s.length - i} more chars)` : shown;
}

/** An argument as a shell word; control characters as bash's $'...'; long ones described. */
function shellWord(arg: string): string {
  if (arg.length > 120) return `<${describeText(arg, 160)}>`;
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  if (/[\u0000-\u001f\u007f]/.test(arg)) {
    const escaped = arg.replace(/[\\']/g, (ch) => `\\${ch}`).replace(/[\u0000-\u001f\u007f]/g, (ch) => {
      const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };
      return named[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    });
    return `$'${escaped}'`;
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

function describeData(data: string | Buffer, binary: boolean | undefined): string {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  if (binary || buf.toString('utf8').includes('\ufffd')) {
    const hex = buf.subarray(0, 48).toString('hex');
    return `${buf.length} bytes, hex ${hex}${buf.length > 48 ? '...' : ''}`;
  }
  return `${buf.length} bytes: ${describeText(buf.toString('utf8'), 400)}`;
}

export function describeCase(c: FuzzCase, indent = '    '): string {
  const lines = [`${indent}argv: logsift --no-progress ${c.argv.map(shellWord).join(' ')}`];
  for (const f of c.files) {
    if (c.argv.some((a) => a.includes(f.name)) || c.kind !== 'inputs') lines.push(`${indent}${DIR}/${f.name}: ${describeData(f.data, f.binary)}`);
  }
  if (c.kind === 'inputs') lines.push(`${indent}(plus the fixed inputs tree: a.log, sub/, empty/, loop/self -> .., dangling.log)`);
  if (c.size) lines.push(`${indent}size: ${c.size.name} ${c.size.value}`);
  return lines.join('\n');
}

function describeOutcome(o: Outcome): string {
  if (o.status === 'hang') return `hang: killed after ${Math.round(o.ms)} ms`;
  if (o.status === 'crash') return `worker crash after ${Math.round(o.ms)} ms: ${o.error}`;
  const shown = o.messages.slice(0, 4).map((m) => JSON.stringify(m.length > 300 ? `${m.slice(0, 300)}...` : m));
  const more = o.messages.length - shown.length + o.droppedMessages;
  return `exit ${o.code} in ${Math.round(o.ms)} ms; stderr: ${shown.join(', ') || '(none)'}${more > 0 ? ` (+${more} more)` : ''}`;
}

export function replayCommand(c: FuzzCase, size: number | null = null): string {
  return `node dist/test/fuzz/run.js --seed ${c.seed} --kinds ${c.kind} --case ${c.index}${size !== null ? ` --size ${size}` : ''}`;
}

/** Groups failures by cause: kind, shape, and the normalised problem and message. */
export function groupFailures(failures: readonly Failure[]): Map<string, Failure[]> {
  const groups = new Map<string, Failure[]>();
  for (const f of failures) {
    const list = groups.get(f.group);
    if (list) list.push(f);
    else groups.set(f.group, [f]);
  }
  return groups;
}

/** The report of failures, one section per group, with the first (minimised) example. */
export function formatFailures(report: FuzzReport): string {
  const out: string[] = [];
  const groups = groupFailures(report.failures);
  let n = 0;
  for (const [group, list] of groups) {
    const first = list[0]!;
    out.push(`${++n}. [${group}] x${list.length} (cases ${list.slice(0, 8).map((f) => `#${f.case.index}`).join(' ')}${list.length > 8 ? ' ...' : ''})`);
    out.push(`    problems: ${first.verdicts.map((v) => v.problem).join(', ')}`);
    out.push(describeCase(first.case));
    out.push(`    outcome: ${describeOutcome(first.outcome)}`);
    out.push(`    replay: ${replayCommand(first.case)}`);
    const m = first.minimised;
    if (m && m.case !== first.case) {
      out.push(`    minimised (${m.note}):`);
      out.push(describeCase(m.case, '      '));
      out.push(`      outcome: ${describeOutcome(m.outcome)}`);
      if (m.case.size && m.case.size.value !== first.case.size?.value) {
        out.push(`      replay at the minimised size (before token and line removal): ${replayCommand(first.case, m.case.size.value)}`);
      }
    } else if (m) {
      out.push(`    ${m.note}`);
    }
  }
  return out.join('\n');
}

export function formatSummary(report: FuzzReport, budgetMs: number): string {
  const ran = Object.entries(report.ran).map(([k, v]) => `${k} ${v}`).join(', ');
  const total = Object.values(report.ran).reduce((a, b) => a + b, 0);
  const lines = [
    `logsift fuzz: seed ${report.seed}, ${total} cases (${ran}), ${report.skipped} skipped (shapes that already hung), ` +
      `budget ${budgetMs} ms per case, ${(report.elapsedMs / 1000).toFixed(1)} s`,
    `${report.failures.length} failing cases in ${groupFailures(report.failures).size} groups`,
  ];
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.slowest.length > 0) {
    lines.push(`slowest passing or failing (not hung) cases: ${report.slowest.map((t) => `${t.case.kind} #${t.case.index} ${Math.round(t.ms)} ms`).join(', ')}`);
  }
  if (report.tempDir) lines.push(`case directories kept in ${report.tempDir}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Confirming with the shipped CLI, and saving cases

const bundle = fileURLToPath(new URL('../../logsift.mjs', import.meta.url));

/** Runs a case through the bundled CLI in a child process, as a user would; a line saying what it did. */
export function confirmWithBundle(c: FuzzCase, budgetMs: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-fuzz-confirm-'));
  try {
    const argv = materialise(c, dir);
    const r = spawnSync(process.execPath, [bundle, ...argv], { input: '', encoding: 'utf8', timeout: budgetMs, maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'ignore', 'pipe'] });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return `dist/logsift.mjs: still running after ${budgetMs} ms (killed)`;
    if (r.error) return `dist/logsift.mjs: could not run: ${r.error.message}`;
    const stderr = r.stderr.split(dir).join(DIR).trimEnd().split('\n').slice(0, 3).join(' | ');
    return `dist/logsift.mjs: exit ${r.status ?? r.signal}; stderr: ${stderr.length > 300 ? `${stderr.slice(0, 300)}...` : stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a case as a directory holding its files, argv.json and repro.sh. */
export function saveCase(c: FuzzCase, dir: string): void {
  const argv = materialise(c, dir);
  writeFileSync(join(dir, 'argv.json'), `${JSON.stringify(argv, null, 1)}\n`);
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  writeFileSync(join(dir, 'repro.sh'), `#!/bin/sh\n# ${c.kind} #${c.index} (${c.shape}), seed ${c.seed}\nexec node dist/logsift.mjs ${quoted}\n`, { mode: 0o755 });
}
