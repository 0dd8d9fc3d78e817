/**
 * The agent: a worker thread inside the traced process, started by preload.ts. It talks to the
 * program's main thread through the inspector (connectToMainThread: in-process, no port), which
 * answers even while the program computes without yielding. Every POLL_MS it reads the GC figures
 * and decides, with PeakPolicy, when to capture the heap "at the peak"; with --cpu it runs V8's
 * CPU profiler in chunks; when the program ends it takes the last capture and writes result.json.
 * Profiles land in this thread's heap, not the program's, so reading them does not disturb what
 * is measured.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { V8CpuProfile } from '../cpu-profile.js';
import { DEFAULT_CPU_INTERVAL_US } from '../cpu.js';
import type { V8HeapProfile } from '../heap-profile.js';
import { PeakPolicy } from '../peak-policy.js';
import { AGENT_NAME, FILES, writeAtomic, type AgentOptions, type ToAgent } from './control.js';
import { CpuProfileMerger, profileBefore } from './cpu-merge.js';
import { PROBE_KEY, type AfterCapture, type PollAt } from './probe.js';
import type { AgentCapture, AgentEnd, AgentPeaks, AgentResult, HeapSnapshotInfo, MemoryTotals } from './results.js';

/** Looks at the heap: often while it is big enough for captures to matter (a peak can be short), rarely below. */
const POLL_MS = 25;
const IDLE_POLL_MS = 100;
/** V8 keeps a running CPU profile's samples in memory: restart it this often. */
const CPU_CHUNK_MS = 60_000;
const PEAKS_EVERY_MS = 1000;
/** A heap snapshot again only when the live heap grew this much since the last one. */
const SNAPSHOT_REGROW = 1.5;
/** Waiting this long for the program to end after logsift got a signal, the agent ends it itself. */
const SIGNAL_GRACE_MS = 300;

const { dir, options, flag } = workerData as { dir: string; options: AgentOptions; flag: Int32Array };
const session = new Session();
session.connectToMainThread();
// If this thread ends, the program's last wait for it must not last.
process.on('exit', () => {
  Atomics.store(flag, 1, 1);
  Atomics.notify(flag, 0);
});

const policy = new PeakPolicy();
const cpu = new CpuProfileMerger();
const startedAt = Date.now();
let lastCpuChunk = startedAt;
let lastPeaksWrite = 0;
let captures = 0;
let captureMs = 0;
let workers = 0;
let lastPoll: PollAt | undefined;
let best: { live: number; capture: AgentCapture } | undefined;
let snapshotInfo: HeapSnapshotInfo = { limit: options.snapshotLimit };
let snapshotHeap = 0;
let busy = false;
let lastTick = 0;
let finishing: Promise<void> | null = null;
/** With --cpu: whether this thread's profiler runs (from the agent's boot to the program's end). */
let profiling = false;
/**
 * The traced thread's own profile, from the program's first line (startup-cpu.ts), once handed
 * over: it is joined in, up to where this thread's first chunk starts, when that chunk is read.
 * A program that never yields and is ended by a signal through the agent never hands it over:
 * its profile then starts at the agent's boot.
 */
let startup: V8CpuProfile | undefined;
let signalHandled = false;

async function probe<T>(call: string): Promise<T> {
  const r = (await session.post('Runtime.evaluate', {
    expression: `globalThis[Symbol.for(${JSON.stringify(PROBE_KEY)})].${call}`,
    returnByValue: true,
    silent: true,
  })) as { result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
  return r.result.value;
}

function note(kind: string, detail: Record<string, unknown> = {}): void {
  try {
    const fd = openSync(join(dir, FILES.notes), 'a');
    writeSync(fd, JSON.stringify({ kind, at: Date.now(), ...detail }) + '\n');
    closeSync(fd);
  } catch {
    // the folder is gone: the parent is no longer listening
  }
}

function totals(p: PollAt): MemoryTotals {
  return { heapUsed: p.liveHeapPeak, external: p.externalPeak, arrayBuffers: p.arrayBuffersPeak, rss: p.reading.rssPeak };
}

function peaks(): AgentPeaks {
  const p = lastPoll;
  return {
    at: Date.now(),
    peak: p ? totals(p) : { heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 },
    collections: p?.collections ?? 0,
    captures,
    captureMs,
    workers,
  };
}

/** What is live now: V8's heap profile (after the full collection it forces) and the Buffer samples. */
async function capture(kind: 'peak' | 'exit'): Promise<{ capture: AgentCapture; profile: V8HeapProfile; live: number }> {
  const t0 = Date.now();
  const { profile } = (await session.post('HeapProfiler.getSamplingProfile')) as unknown as { profile: V8HeapProfile };
  const after = await probe<AfterCapture>('afterCapture()');
  captureMs += Date.now() - t0;
  captures++;
  const live = after.reading.heapUsed + after.reading.external;
  const file = kind === 'peak' ? FILES.peakProfile : FILES.exitProfile;
  return { capture: { at: after.at, reading: after.reading, offHeap: after.offHeap, profileFile: file }, profile, live };
}

async function keepIfPeak(c: { capture: AgentCapture; profile: V8HeapProfile; live: number }): Promise<void> {
  if (best && c.live <= best.live) return;
  const peak = { ...c.capture, profileFile: FILES.peakProfile };
  writeAtomic(dir, FILES.peakProfile, JSON.stringify(c.profile));
  writeAtomic(dir, FILES.peak, JSON.stringify(peak));
  best = { live: c.live, capture: peak };
  if (options.snapshot) await maybeHeapSnapshot(c.capture.reading.heapUsed);
}

/**
 * A heap snapshot at a new peak, within the bound: snapshots cost time and memory by object count
 * (about 14x the heap in memory, tens of seconds for a million objects). A session of its own is
 * disabled right after, which frees V8's object ids (a process stays 1.4-1.9x slower otherwise)
 * without stopping the sampler the tracer's session runs.
 */
async function maybeHeapSnapshot(liveHeap: number): Promise<void> {
  if (liveHeap > options.snapshotLimit) {
    snapshotInfo = { ...snapshotInfo, refusedAtHeap: Math.max(liveHeap, snapshotInfo.refusedAtHeap ?? 0) };
    return;
  }
  if (snapshotHeap > 0 && liveHeap < snapshotHeap * SNAPSHOT_REGROW) return;
  const snap = new Session();
  snap.connectToMainThread();
  const tmp = join(dir, `.${FILES.heapSnapshot}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    snap.on('HeapProfiler.addHeapSnapshotChunk', (m: { params: { chunk: string } }) => void writeSync(fd, m.params.chunk));
    await snap.post('HeapProfiler.enable');
    await snap.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    await snap.post('HeapProfiler.disable');
  } finally {
    closeSync(fd);
    snap.disconnect();
  }
  writeAtomic(dir, FILES.heapSnapshot, readFileSync(tmp));
  rmSync(tmp, { force: true });
  snapshotHeap = liveHeap;
  snapshotInfo = { ...snapshotInfo, takenAtHeap: liveHeap };
}

async function cpuChunk(restart: boolean): Promise<void> {
  if (!options.cpu) return;
  let chunk: V8CpuProfile | undefined;
  if (profiling) {
    chunk = ((await session.post('Profiler.stop')) as unknown as { profile: V8CpuProfile }).profile;
    profiling = restart;
    if (restart) await session.post('Profiler.start');
  }
  if (startup) cpu.add(chunk ? profileBefore(startup, chunk.startTime) : startup);
  startup = undefined;
  if (chunk) cpu.add(chunk);
  lastCpuChunk = Date.now();
  if (cpu.empty) return;
  writeAtomic(dir, FILES.cpu, JSON.stringify(cpu.profile()));
  if (cpu.timelineFolded) note('cpu-timeline-folded');
}

/** The parent got a signal the program may not have seen (it went to logsift only, or the program is busy). */
async function onParentSignal(): Promise<void> {
  let signal: string;
  try {
    signal = readFileSync(join(dir, FILES.signal), 'utf8').trim();
    rmSync(join(dir, FILES.signal), { force: true });
  } catch {
    return;
  }
  if (!/^SIG[A-Z]+$/.test(signal)) return;
  if (await probe<boolean>(`handles(${JSON.stringify(signal)})`)) {
    // The program listens: make sure it hears it (once), and let it decide.
    if (!(await probe<boolean>(`sawRecently(${JSON.stringify(signal)}, ${SIGNAL_GRACE_MS * 4})`))) await probe(`forward(${JSON.stringify(signal)})`);
    return;
  }
  // No listener of its own: the signal would have ended it. Write everything, then end it so
  // (through the session, before it is let go: a busy program never runs its signal listeners).
  if (signalHandled) return;
  signalHandled = true;
  await finish({ reason: 'signal', signal }, signal);
}

async function tick(): Promise<void> {
  if (busy || finishing) return;
  const now0 = Date.now();
  if (lastPoll && !policy.watching && now0 - lastTick < IDLE_POLL_MS) return;
  lastTick = now0;
  busy = true;
  let signalled = false;
  try {
    lastPoll = await probe<PollAt>('poll()');
    signalled = existsSync(join(dir, FILES.signal));
    if (!signalled) await look(lastPoll);
  } catch (error) {
    note('agent-error', { message: (error as Error).message });
  } finally {
    busy = false;
  }
  // Outside the busy section: finishing waits for it to end.
  if (signalled) await onParentSignal().catch((error: Error) => note('agent-error', { message: error.message }));
}

/** What one poll decides: a capture, a CPU chunk, the peaks file. */
async function look(poll: PollAt): Promise<void> {
  const decide = policy.observe(poll.windowHigh, captureMs / Math.max(1, Date.now() - startedAt));
  if (process.env['LOGSIFT_TRACE_DEBUG']) note('poll', { high: poll.windowHigh, live: poll.liveHeap, collections: poll.collections, capture: decide });
  if (decide) {
    const c = await capture('peak');
    policy.captured(c.live);
    await keepIfPeak(c);
  }
  const now = Date.now();
  if (profiling && now - lastCpuChunk >= CPU_CHUNK_MS) await cpuChunk(true);
  if (now - lastPeaksWrite >= PEAKS_EVERY_MS) {
    lastPeaksWrite = now;
    writeAtomic(dir, 'peaks.json', JSON.stringify(peaks()));
  }
}

async function finalize(end: AgentEnd, startupCpu?: V8CpuProfile): Promise<void> {
  await booted;
  while (busy) await new Promise((r) => setTimeout(r, 5));
  startup ??= startupCpu;
  await cpuChunk(false).catch((e: Error) => note('agent-error', { message: e.message }));
  const c = await capture('exit');
  writeAtomic(dir, FILES.exitProfile, JSON.stringify(c.profile));
  await keepIfPeak(c);
  lastPoll = await probe<PollAt>('poll()');
  const result: AgentResult = {
    version: 1,
    pid: process.pid,
    startedAt,
    end,
    ...peaks(),
    exit: c.capture,
    exitMemory: { heapUsed: c.capture.reading.heapUsed, external: c.capture.reading.external, arrayBuffers: c.capture.reading.arrayBuffers, rss: c.capture.reading.rss },
    cpu: options.cpu,
    ...(options.snapshot ? { snapshot: snapshotInfo } : {}),
  };
  writeAtomic(dir, FILES.result, JSON.stringify(result));
}

/** Writes the last findings; then, with `reraise`, ends the program by that signal as it would have ended. */
function finish(end: AgentEnd, reraise?: string, startupCpu?: V8CpuProfile): Promise<void> {
  finishing ??= finalize(end, startupCpu)
    .catch((error: Error) => note('agent-error', { message: error.message }))
    .then(async () => {
      if (reraise !== undefined) await probe('unlisten()').catch(() => undefined);
    })
    // A session still connected when the program exits makes Node print "Waiting for the
    // debugger to disconnect..." on the program's stderr: the agent lets go first.
    .finally(() => {
      session.disconnect();
      if (reraise !== undefined) process.kill(process.pid, reraise as NodeJS.Signals);
    });
  return finishing;
}

// Listening on the port is what keeps this thread alive: inspector requests in flight do not.
parentPort!.on('message', (m: ToAgent) => {
  if (m.type === 'cpu-handover') {
    startup = m.profile;
    return;
  }
  void finish(m.end, undefined, m.startupCpu).then(() => {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
});

async function main(): Promise<void> {
  await session.post('HeapProfiler.enable');
  if (options.cpu) {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: DEFAULT_CPU_INTERVAL_US });
    await session.post('Profiler.start');
    profiling = true;
  }
  // Worker threads of the program are counted (their heaps are not traced: each has its own).
  session.on('NodeWorker.attachedToWorker', (m: { params: { workerInfo: { title: string } } }) => {
    if (!m.params.workerInfo.title.includes(AGENT_NAME)) workers++;
  });
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false }).catch(() => note('workers-unknown'));
  setInterval(() => void tick(), POLL_MS);
  parentPort!.postMessage({ type: 'ready' });
}

const booted = main().catch((error: Error) => {
  note('agent-error', { message: error.message });
  parentPort!.postMessage({ type: 'ready' }); // never hold the program back
});
