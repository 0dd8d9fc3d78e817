import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KNOWN_FUNCTIONS, knownProgram, sizeOf, type KnownOutput } from '../bench/trace-known.js';
import { cliPath, projectRoot } from './support/cli.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `logsift trace ARGS...` in `dir`, as a shell runs it. */
function trace(dir: string, args: readonly string[], input?: string): Run {
  const r = spawnSync(process.execPath, [cliPath, 'trace', ...args], { cwd: dir, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-trace-cli-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function oneLine(stderr: string): void {
  assert.equal(stderr.trimEnd().split('\n').length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

const KEEPS = 'function keep() { const a = []; for (let i = 0; i < 200000; i++) a.push({ i, s: "x" + i }); return a; }\nglobalThis.kept = keep();\n';

test('usage mistakes: no command (2), command not found (127), not a Node program (2): one line each', () => {
  withDir((dir) => {
    let r = trace(dir, []);
    assert.equal(r.code, 2);
    oneLine(r.stderr);
    assert.match(r.stderr, /give the program to run after --/);
    r = trace(dir, ['--', 'no-such-command-here']);
    assert.equal(r.code, 127);
    oneLine(r.stderr);
    assert.match(r.stderr, /command not found: no-such-command-here/);
    r = trace(dir, ['--', 'ls']);
    assert.equal(r.code, 2);
    oneLine(r.stderr);
    assert.match(r.stderr, /ls is not a Node\.js program \(it is a native executable\)/);
    writeFileSync(join(dir, 'script.sh'), '#!/bin/sh\necho hi\n');
    chmodSync(join(dir, 'script.sh'), 0o755);
    r = trace(dir, ['--', './script.sh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /its #! line runs \/bin\/sh/);
    r = trace(dir, ['--bogus', '--', 'node', 'x.js']);
    assert.equal(r.code, 2);
    oneLine(r.stderr);
  });
});

test('stdin, stdout and the exit code pass through; the report goes to stderr, --report FILE and --json FILE', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'echo.mjs'), `${KEEPS}process.stdin.pipe(process.stdout); process.stdin.on('end', () => { process.exitCode = 5; });\n`);
    let r = trace(dir, ['--', 'node', 'echo.mjs'], 'line one\nline two\n');
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'line one\nline two\n');
    assert.match(r.stderr, /logsift trace: node echo\.mjs: exit code 5/);
    assert.match(r.stderr, /top 10 sites live at the peak/);
    assert.match(r.stderr, /echo\.mjs:1 keep/);
    r = trace(dir, ['--report', 'report.txt', '--json', 'report.json', '--', 'node', 'echo.mjs'], 'x\n');
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'x\n');
    assert.equal(r.stderr, '');
    assert.match(readFileSync(join(dir, 'report.txt'), 'utf8'), /live heap/);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    assert.equal(json.exitCode, 5);
    for (const k of ['heapUsed', 'external', 'arrayBuffers', 'rss']) assert.equal(typeof json.memory.peak[k], 'number', k);
    for (const list of [json.memory.atPeak, json.memory.atExit]) {
      assert.ok(list.length > 0);
      for (const k of ['function', 'file', 'line', 'size', 'count']) assert.ok(k in list[0], k);
      assert.ok(list.every((s: { size: number }, i: number) => i === 0 || list[i - 1].size >= s.size), 'sorted by size');
    }
    assert.equal(json.memory.atExit[0].function, 'keep');
  });
});

test('sites at exit are within 15% of what known functions keep (Buffers within 5%)', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'known.mjs'), knownProgram({ objects: 4, buffers: 4 }));
    const r = trace(dir, ['--json', 'r.json', '--', 'node', 'known.mjs']);
    assert.equal(r.code, 0, r.stderr);
    const truth = (JSON.parse(r.stdout) as KnownOutput).truth;
    const atExit = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).memory.atExit;
    for (const f of KNOWN_FUNCTIONS) {
      const ratio = sizeOf(atExit, f) / truth[f];
      assert.ok(Math.abs(ratio - 1) <= (f === 'keepBuffers' ? 0.05 : 0.15), `${f}: x${ratio.toFixed(3)}`);
    }
  });
});

test('--cpu, --out DIR, --interval, --precise and --snapshot', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'busy.mjs'), `${KEEPS}function spin() { let x = 0; const end = Date.now() + 300; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\nspin();\n`);
    let r = trace(dir, ['--cpu', '--out', 'prof', '--interval', '16k', '--json', 'r.json', '--', 'node', 'busy.mjs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /top 10 functions by self time/);
    assert.match(r.stderr, /hottest lines/);
    assert.match(r.stderr, /every 16\.0 KiB/);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    const spin = json.cpu.functions.find((f: { function: string }) => f.function === 'spin');
    for (const k of ['function', 'file', 'line', 'selfMs', 'totalMs', 'selfPercent', 'totalPercent']) assert.ok(k in spin, k);
    const line = json.cpu.lines.find((l: { text?: string }) => /Math\.sqrt/.test(l.text ?? ''));
    for (const k of ['file', 'line', 'ms', 'percent', 'text']) assert.ok(k in line, k);
    const files = readdirSync(join(dir, 'prof'));
    for (const f of ['peak.heapprofile', 'exit.heapprofile', 'cpu.cpuprofile', 'cpu.collapsed']) assert.ok(files.includes(f), `${f} in ${files.join(' ')}`);
    const cpuprofile = JSON.parse(readFileSync(join(dir, 'prof', 'cpu.cpuprofile'), 'utf8'));
    assert.ok(Array.isArray(cpuprofile.nodes) && Array.isArray(cpuprofile.samples));
    r = trace(dir, ['--precise', '--', 'node', 'busy.mjs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /--precise: allocation folding was off/);
    r = trace(dir, ['--snapshot', '--', 'node', 'busy.mjs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /heap snapshot at the peak .* by constructor/);
    r = trace(dir, ['--snapshot', '--snapshot-limit', '1m', '--', 'node', 'busy.mjs']);
    assert.match(r.stderr, /heap snapshot: not taken: .*above the 1\.0 MiB bound/);
  });
});

test('--cpu covers the program from its first line without waiting for the agent, and a program that never yields', () => {
  withDir((dir) => {
    const spin = (name: string, ms: number): string => `function ${name}() { let x = 0; const end = Date.now() + ${ms}; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }\n`;
    // early() runs on the first line and is over before the agent thread can be up (a worker takes
    // 40 ms or more to boot here): only the profile started before the first line sees it. late()
    // runs after the agent took over.
    writeFileSync(join(dir, 'phases.mjs'), `${spin('early', 25)}${spin('late', 150)}early();\nsetTimeout(late, 300);\n`);
    // Never yields to the event loop: the profile started before the first line is all there is.
    writeFileSync(join(dir, 'blocking.mjs'), `${spin('blocking', 400)}blocking();\n`);
    for (const [program, names] of [['phases.mjs', ['early', 'late']], ['blocking.mjs', ['blocking']]] as const) {
      const r = trace(dir, ['--cpu', '--json', 'r.json', '--out', 'prof', '--', 'node', program]);
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cpu: { functions: { function: string; selfMs: number }[] } };
      for (const name of names) {
        const f = json.cpu.functions.find((x) => x.function === name);
        assert.ok(f && f.selfMs > 0, `${program}: ${name} in ${json.cpu.functions.map((x) => x.function).join(', ')}`);
      }
      // The timeline of the merged profile is no longer than the profile (chunks joined in order).
      const p = JSON.parse(readFileSync(join(dir, 'prof', 'cpu.cpuprofile'), 'utf8')) as { startTime: number; endTime: number; timeDeltas: number[] };
      const span = p.timeDeltas.reduce((a, b) => a + b, 0);
      assert.ok(span <= p.endTime - p.startTime, `${program}: timeline ${span} µs over a profile of ${p.endTime - p.startTime} µs`);
    }
  });
});

test("--cpu counts the tracer's own code apart and never lists it among the program's functions or lines", () => {
  withDir((dir) => {
    // Every 64 KiB Buffer is sampled (and its stack captured) by the tracer's Buffer sampler.
    writeFileSync(join(dir, 'buffers.mjs'), 'function churn() { let n = 0; for (let i = 0; i < 20000; i++) n += Buffer.allocUnsafe(65536).length; return n; }\nchurn();\n');
    const r = trace(dir, ['--cpu', '--json', 'r.json', '--', 'node', 'buffers.mjs']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cpu: { functions: { function: string; file: string }[]; lines: { file: string }[]; tracer: { ms: number; percent: number } } };
    assert.ok(json.cpu.tracer.ms > 0, 'the Buffer sampler ran on the program\'s thread');
    assert.match(r.stderr, /logsift trace's own code took .*: left out below/);
    const tracerFile = (file: string): boolean => /\/(src|dist\/src)\/trace\/|\/dist\/agent\//.test(file);
    assert.deepEqual(json.cpu.functions.filter((f) => tracerFile(f.file)), []);
    assert.deepEqual(json.cpu.lines.filter((l) => tracerFile(l.file)), []);
    assert.ok(json.cpu.functions.some((f) => f.function === 'churn'));
  });
});

test('a crash, process.exit, a signal and workers: the report still appears and says what it covers', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'crash.mjs'), `${KEEPS}throw new Error('boom');\n`);
    let r = trace(dir, ['--', 'node', 'crash.mjs']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: boom/);
    assert.match(r.stderr, /exit code 1 .*\n[\s\S]*top 10 sites live at the peak[\s\S]*crash\.mjs:1 keep/);
    writeFileSync(join(dir, 'exit.mjs'), `${KEEPS}process.exit(3);\n`);
    r = trace(dir, ['--', 'node', 'exit.mjs']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /exit code 3[\s\S]*exit\.mjs:1 keep/);
    writeFileSync(join(dir, 'kill.mjs'), `${KEEPS}setTimeout(() => process.kill(process.pid, 'SIGKILL'), 200);\n`);
    r = trace(dir, ['--', 'node', 'kill.mjs']);
    assert.equal(r.code, 137);
    assert.match(r.stderr, /ended by SIGKILL \(exit code 137\)[\s\S]*top 10 sites live at exit[\s\S]*kill\.mjs:1 keep/);
    assert.doesNotMatch(r.stderr, /Waiting for the debugger/);
    writeFileSync(join(dir, 'workers.mjs'), `import { Worker } from 'node:worker_threads';\n${KEEPS}new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true }).on('message', (m) => console.log('worker', m));\n`);
    r = trace(dir, ['--', 'node', 'workers.mjs']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'worker 1\n');
    assert.match(r.stderr, /1 worker thread of the program not traced/);
    writeFileSync(join(dir, 'child.mjs'), `import { execFileSync } from 'node:child_process';\nprocess.stdout.write(execFileSync(process.execPath, ['-e', 'console.log(2)']));\n`);
    r = trace(dir, ['--', 'node', 'child.mjs']);
    assert.equal(r.stdout, '2\n');
    assert.match(r.stderr, /1 child Node\.js process not traced/);
  });
});

/**
 * Starts logsift trace, waits until the program has said it runs (and its pid), then sends
 * `signal` to logsift alone, or to the program alone.
 */
function interrupt(dir: string, program: string, signal: NodeJS.Signals, to: 'logsift' | 'program' = 'logsift', options: readonly string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'trace', ...options, '--', 'node', program], { cwd: dir });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const running = /running (\d+)/.exec(stdout);
      if (running && !sent) {
        sent = true;
        if (to === 'logsift') child.kill(signal);
        else process.kill(Number(running[1]), signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000); // a hang guard, not a timing threshold
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

test('a program that never exits, idle or busy: SIGINT ends it and the report is printed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-trace-sig-'));
  try {
    writeFileSync(join(dir, 'idle.mjs'), `${KEEPS}console.log('running', process.pid);\nsetInterval(() => {}, 1000);\n`);
    writeFileSync(join(dir, 'busy.mjs'), `${KEEPS}console.log('running', process.pid);\nlet x = 0;\nfor (;;) x++;\n`);
    for (const program of ['idle.mjs', 'busy.mjs']) {
      const r = await interrupt(dir, program, 'SIGINT');
      assert.equal(r.code, 130, `${program}: ${r.stderr}`);
      assert.match(r.stderr, /ended by SIGINT \(exit code 130\)/, program);
      assert.match(r.stderr, /top 10 sites live at the peak[\s\S]*keep/, program);
      assert.doesNotMatch(r.stderr, /Waiting for the debugger/);
    }
    // With --cpu, a program that never yields never hands its first profile over: the agent's covers it.
    writeFileSync(join(dir, 'loop.mjs'), `console.log('running', process.pid);\nfunction loop() { let x = 0; for (;;) x++; }\nloop();\n`);
    let r = await interrupt(dir, 'loop.mjs', 'SIGINT', 'logsift', ['--cpu']);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /top 10 functions by self time\n.*\n.*loop\.mjs/);
    r = await interrupt(dir, 'idle.mjs', 'SIGTERM');
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /ended by SIGTERM/);
    r = await interrupt(dir, 'idle.mjs', 'SIGKILL', 'program');
    assert.equal(r.code, 137, r.stderr);
    assert.match(r.stderr, /ended by SIGKILL[\s\S]*memory at exit is unknown, the peak is the last capture/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trace compare: reports and snapshots; corrupt, foreign and mismatched files are one line and exit 2', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'small.mjs'), 'globalThis.kept = [];\n');
    writeFileSync(join(dir, 'big.mjs'), `${KEEPS}`);
    assert.equal(trace(dir, ['--json', 'a.json', '--out', 'a', '--', 'node', 'small.mjs']).code, 0);
    assert.equal(trace(dir, ['--json', 'b.json', '--out', 'b', '--', 'node', 'big.mjs']).code, 0);
    let r = trace(dir, ['compare', 'a.json', 'b.json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+\+[\d.]+ MiB .* big\.mjs:1 keep/m);
    r = trace(dir, ['compare', '--json', 'a.json', 'b.json']);
    assert.equal(r.code, 0, r.stderr);
    const diffs = JSON.parse(r.stdout).diffs;
    for (const k of ['function', 'file', 'line', 'size', 'sizeDiff', 'count', 'countDiff']) assert.ok(k in diffs[0], k);
    assert.equal(diffs[0].function, 'keep');
    assert.ok(existsSync(join(dir, 'b', 'exit.snapshot.json')));
    r = trace(dir, ['compare', join('a', 'exit.snapshot.json'), join('b', 'exit.snapshot.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /big\.mjs:1 keep/);
    writeFileSync(join(dir, 'corrupt.json'), '{"format": "logsift-trace-report", "version": 1, "memory": {"atPeak": [{"size": "x"}]}}');
    writeFileSync(join(dir, 'notjson.json'), 'hello');
    writeFileSync(join(dir, 'foreign.json'), '[1, 2]');
    for (const [a, b, message] of [
      ['a.json', 'notjson.json', /notjson\.json: not JSON/],
      ['a.json', 'foreign.json', /foreign\.json: not a logsift trace snapshot or report/],
      ['a.json', 'corrupt.json', /corrupt\.json: memory\.atPeak\[0\] must have function, file, line, size and count/],
      ['a.json', join('b', 'exit.snapshot.json'), /is a report and .* is a snapshot/],
      ['a.json', 'missing.json', /missing\.json: cannot read: no such file/],
    ] as const) {
      r = trace(dir, ['compare', a, b]);
      assert.equal(r.code, 2, `${b}: ${r.stderr}`);
      oneLine(r.stderr);
      assert.match(r.stderr, message);
    }
    r = trace(dir, ['compare', 'a.json']);
    assert.notEqual(r.code, 0);
    oneLine(r.stderr);
  });
});

test('an npm bin that is a Node script is traced through its #! line', () => {
  withDir((dir) => {
    const bin = join(dir, 'node_modules', '.bin');
    spawnSync('mkdir', ['-p', bin]);
    writeFileSync(join(bin, 'tool'), `#!/usr/bin/env node\n${KEEPS}console.log('tool ran');\n`);
    chmodSync(join(bin, 'tool'), 0o755);
    const r = trace(dir, ['--', 'tool']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'tool ran\n');
    assert.match(r.stderr, /tool:2 keep/);
  });
});

void projectRoot;
