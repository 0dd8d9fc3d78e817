/**
 * The tracer's set-up in a traced process's main thread, loaded by preload.ts. In the first Node
 * process of the run it starts the tracer (heap sampling begins before the program's first line)
 * and the agent thread that watches for peaks, profiles the CPU and writes what it found when the
 * program ends. Any later Node process (a child the program forks or spawns) only leaves a
 * marker, so the report can say what it did not cover.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ThreadTracer } from '../thread-tracer.js';
import { AGENT_NAME, ENV_OPTIONS, FILES, markOther, type AgentOptions, type ToAgent } from './control.js';
import { keepCommonJsScripts } from './keep-scripts.js';
import { installProbe, makeProbe } from './probe.js';
import { StartupCpuProfile } from './startup-cpu.js';
import type { AgentClaim, AgentEnd } from './results.js';

/** How long the ending program waits for the agent to write its findings (a big heap's last capture takes seconds). */
const FINISH_TIMEOUT_MS = 120_000;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** True for the process that gets the trace; false when another one claimed it first. */
function claim(dir: string, options: AgentOptions): boolean {
  let fd: number;
  try {
    fd = openSync(join(dir, FILES.claim), 'wx');
  } catch {
    return false;
  }
  const claimed: AgentClaim = { pid: process.pid, startedAt: Date.now(), interval: options.interval, precise: options.precise, argv: process.argv };
  writeSync(fd, JSON.stringify(claimed));
  closeSync(fd);
  return true;
}

async function setUp(dir: string): Promise<void> {
  const options = JSON.parse(process.env[ENV_OPTIONS] ?? '{}') as AgentOptions;
  if (!claim(dir, options)) {
    markOther(dir, `process-${process.pid}`);
    return;
  }
  const tracer = ThreadTracer.acquire({ interval: options.interval, precise: false });
  const startupCpu = options.cpu ? new StartupCpuProfile() : undefined;
  keepCommonJsScripts();
  // flag[0]: the agent finished writing; flag[1]: the agent stopped (then nobody will finish).
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const agent = new Worker(new URL('./agent-main.js', import.meta.url), {
    name: AGENT_NAME,
    workerData: { dir, options, flag },
    execArgv: [],
    stdout: true, // the agent's output, if it ever had any, must not mix with the program's
    stderr: true,
  });
  agent.on('error', () => markOther(dir, 'agent-failed'));
  const tell = (message: ToAgent): void => agent.postMessage(message);
  // The program's worker threads are counted, not traced (each has a heap of its own): a marker
  // each, written when it is made, so even a killed program's report can say so.
  process.on('worker', (w: Worker) => {
    if (w !== agent) markOther(dir, `worker-${w.threadId}`);
  });

  let finished = false;
  const finish = (end: AgentEnd): void => {
    if (finished) return;
    finished = true;
    const rest = startupCpu?.stop();
    tell({ type: 'finish', end, ...(rest ? { startupCpu: rest } : {}) });
    // The agent reads the last profiles through the inspector, which this thread serves while it
    // waits; it wakes now and then to see whether the agent stopped instead.
    const until = Date.now() + FINISH_TIMEOUT_MS;
    while (Atomics.load(flag, 0) === 0 && Atomics.load(flag, 1) === 0 && Date.now() < until) Atomics.wait(flag, 0, 0, 200);
  };

  const seen = new Map<string, number>();
  const unlisten = (): void => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  };
  const reraise = (signal: string): void => {
    unlisten();
    process.kill(process.pid, signal as NodeJS.Signals);
  };
  // Ends as the signal's default would, after the report's data is written, unless the program
  // listens for it itself: then it is the program's to handle.
  const onSignal = (signal: NodeJS.Signals): void => {
    seen.set(signal, Date.now());
    if (process.listeners(signal).some((l) => l !== onSignal)) return;
    finish({ reason: 'signal', signal });
    reraise(signal);
  };
  installProbe(makeProbe(tracer, { seen, unlisten, listener: onSignal as (...args: unknown[]) => void }));

  process.on('exit', (code) => finish({ reason: 'exit', code }));
  endBeforeSelfSignal(finish);
  for (const s of SIGNALS) process.on(s, onSignal);
  // The program never waits for the agent (about 40-100 ms to boot): heap sampling already runs
  // on this thread, and so does the CPU profiler with --cpu, until the agent takes it over.
  agent.once('message', () => {
    const profile = finished ? undefined : startupCpu?.stop();
    if (profile) tell({ type: 'cpu-handover', profile });
  });
  agent.unref(); // the agent never keeps the program alive
}

/** Signals whose default action does not end a process. */
const NOT_ENDING = new Set(['SIGCHLD', 'SIGWINCH', 'SIGURG', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/**
 * A program that ends itself by a signal nobody listens for (`process.kill(process.pid,
 * 'SIGKILL')`) gets its report written first, as at a normal exit; and the agent lets its
 * session go before, since Node prints "Waiting for the debugger to disconnect..." when a
 * process signals itself while a session is connected.
 */
function endBeforeSelfSignal(finish: (end: AgentEnd) => void): void {
  const kill = process.kill.bind(process);
  process.kill = ((pid: number, signal?: string | number): true => {
    const name = typeof signal === 'number' ? Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] : (signal ?? 'SIGTERM');
    if (pid === process.pid && signal !== 0 && name !== undefined && !NOT_ENDING.has(name) && process.listenerCount(name) === 0) {
      finish({ reason: 'signal', signal: name });
    }
    return kill(pid, signal);
  }) as typeof process.kill;
}

/** Sets up tracing in this process; never throws (the report will say the trace is missing). */
export async function traceThisThread(dir: string): Promise<void> {
  try {
    await setUp(dir);
  } catch (error) {
    markOther(dir, 'agent-failed');
    process.stderr.write(`logsift trace: tracing is off for this run: ${(error as Error).message}\n`);
  }
}
