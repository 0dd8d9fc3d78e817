import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KNOWN_FUNCTIONS, knownProgram, type KnownOutput } from '../bench/trace-known.js';
import { Snapshot, TraceFileError } from '../src/trace/index.js';
import { projectRoot } from './support/cli.js';

/** `logsift/trace` as a program outside the package reaches it. */
const LIBRARY = pathToFileURL(join(projectRoot, 'dist', 'src', 'trace', 'index.js')).href;

/** Runs a program (ES module text) in its own Node process: the tracer then sees that program alone. */
function runProgram(text: string, args: string[] = []): { code: number | null; stdout: string; stderr: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-trace-lib-'));
  writeFileSync(join(dir, 'program.mjs'), text);
  const r = spawnSync(process.execPath, [...args, join(dir, 'program.mjs')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, dir };
}

function withProgram<T>(text: string, fn: (r: ReturnType<typeof runProgram>) => T): T {
  const r = runProgram(text);
  try {
    return fn(r);
  } finally {
    rmSync(r.dir, { recursive: true, force: true });
  }
}

test('takeSnapshot sizes each function that keeps known amounts within 15% (Buffers within 5%)', () => {
  // Sampling every 8 KiB, four times finer than the default, keeps sampling noise (about 1/sqrt of
  // the samples) far inside the tolerance, so the test does not fail by chance; the bench
  // measures the default interval.
  withProgram(knownProgram({ library: LIBRARY, objects: 4, buffers: 4, interval: 8192 }), (r) => {
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as KnownOutput;
    for (const f of KNOWN_FUNCTIONS) {
      const ratio = out.library![f] / out.truth[f];
      const tolerance = f === 'keepBuffers' ? 0.05 : 0.15;
      assert.ok(Math.abs(ratio - 1) <= tolerance, `${f}: reported ${out.library![f]} bytes, truth ${out.truth[f]} (x${ratio.toFixed(3)})`);
    }
  });
});

const API_PROGRAM = `
import { start, stop, isTracing, takeSnapshot, getTracedMemory, resetPeak, startCpuProfile, stopCpuProfile, Snapshot } from ${JSON.stringify(LIBRARY)};
const out = {};
out.before = isTracing();
start();
out.during = isTracing();
const first = await takeSnapshot();
function growMap() { const m = new Map(); for (let i = 0; i < 100000; i++) m.set(i, { id: i, text: 'v' + i }); return m; }
globalThis.leak = growMap();
const second = await takeSnapshot();
const diffs = second.compareTo(first, 'lineno');
out.topDiff = diffs[0];
out.sortedByAbs = diffs.every((d, i) => i === 0 || Math.abs(diffs[i - 1].sizeDiff) >= Math.abs(d.sizeDiff));
out.top = second.statistics('lineno')[0];
out.byFile = second.statistics('filename').map((s) => s.file);
out.traceback = second.statistics('traceback')[0].traceback.map((f) => f.function);
out.excludedAll = second.filter({ exclude: ['*program.mjs'] }).statistics('lineno').some((s) => s.function === 'growMap');
out.includedOnly = [...new Set(second.filter({ include: ['*program.mjs'] }).statistics('filename').map((s) => s.file))];
await second.dump('snap.json');
const loaded = await Snapshot.load('snap.json');
out.roundTrip = JSON.stringify(loaded.statistics('lineno')) === JSON.stringify(second.statistics('lineno'));
out.loadedCompare = loaded.compareTo(first, 'lineno')[0].sizeDiff === out.topDiff.sizeDiff;
const m1 = getTracedMemory();
globalThis.leak = null;
await takeSnapshot(); // a full collection: the map is gone
const m2 = getTracedMemory();
out.peakKept = m2.peak >= m1.current && m2.current < m1.current - 4 * 1024 * 1024;
out.offHeapFigures = typeof m2.external.peak === 'number' && typeof m2.arrayBuffers.peak === 'number';
resetPeak();
out.peakReset = getTracedMemory().peak < m2.peak;
function spin(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
function outer() { return spin(300); }
startCpuProfile();
outer();
const cpu = await stopCpuProfile();
const stats = cpu.statistics('self');
out.hottest = stats.find((s) => !s.function.startsWith('('))?.function;
out.spinSelf = stats.find((s) => s.function === 'spin')?.selfMs;
out.outerTotal = cpu.statistics('cumulative').find((s) => s.function === 'outer')?.totalMs;
out.callers = cpu.callers('spin').map((c) => c.function);
out.callees = cpu.callees('outer').map((c) => c.function);
out.line = cpu.lines('spin')[0];
stop();
out.after = isTracing();
process.stdout.write(JSON.stringify(out));
`;

test('the tracemalloc-shaped API: statistics, compareTo, filter, dump/load, peaks, CPU profile', () => {
  withProgram(API_PROGRAM, (r) => {
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.before, out.during, out.after], [false, true, false]);
    assert.equal(out.topDiff.function, 'growMap');
    assert.match(out.topDiff.file, /program\.mjs$/);
    assert.ok(out.topDiff.sizeDiff > 4 * 1024 * 1024 && out.topDiff.countDiff > 0, JSON.stringify(out.topDiff));
    for (const k of ['function', 'file', 'line', 'size', 'sizeDiff', 'count', 'countDiff']) assert.ok(k in out.topDiff, k);
    assert.equal(out.sortedByAbs, true);
    assert.equal(out.top.function, 'growMap');
    assert.ok(Array.isArray(out.top.traceback) && out.top.traceback.length > 0);
    assert.ok(out.byFile.some((f: string) => f.endsWith('program.mjs')));
    assert.ok(!out.byFile.some((f: string) => f.startsWith('node:internal')), 'node:internal hidden by default');
    assert.equal(out.traceback[0], 'growMap');
    assert.equal(out.excludedAll, false);
    assert.equal(out.includedOnly.length, 1);
    assert.equal(out.roundTrip, true);
    assert.equal(out.loadedCompare, true);
    assert.equal(out.peakKept, true);
    assert.equal(out.offHeapFigures, true);
    assert.equal(out.peakReset, true);
    assert.equal(out.hottest, 'spin');
    assert.ok(out.spinSelf > 100, `spin self ${out.spinSelf} ms of a 300 ms spin`);
    assert.ok(out.outerTotal >= out.spinSelf);
    assert.ok(out.callers.includes('outer'));
    assert.ok(out.callees.includes('spin'));
    assert.match(out.line.text, /Math\.sqrt/);
    assert.ok(out.line.ms > 0 && out.line.file.endsWith('program.mjs'));
  });
});

test('Snapshot.load refuses missing, corrupt and foreign files with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-trace-load-'));
  try {
    writeFileSync(join(dir, 'bad.json'), '{not json');
    writeFileSync(join(dir, 'other.json'), '{"format":"something-else"}');
    writeFileSync(join(dir, 'broken.json'), '{"format":"logsift-trace-snapshot","version":1,"traces":[[0]]}');
    for (const name of ['missing.json', 'bad.json', 'other.json', 'broken.json']) {
      await assert.rejects(Snapshot.load(join(dir, name)), (e: Error) => e instanceof TraceFileError && !e.message.includes('\n'), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
