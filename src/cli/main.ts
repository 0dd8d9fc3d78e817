#!/usr/bin/env node
import { readFileSync, readlinkSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { EXIT_INPUT } from '../core/errors.js';
import { serveWorker } from '../engine/worker.js';
import { runCli } from './run.js';

/**
 * True when standard output was closed when logsift started (`logsift ... >&-`). Node reopens a
 * closed descriptor 0-2 on /dev/null, read-write, before any JavaScript runs, so writes would
 * vanish without an error. A shell's `> /dev/null` opens it write-only, so "/dev/null opened
 * read-write" is Node's repair. Linux only (elsewhere there is no /proc to ask, and this says false).
 */
function stdoutWasClosed(): boolean {
  try {
    if (readlinkSync('/proc/self/fd/1') !== '/dev/null') return false;
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'));
    return flags !== null && (parseInt(flags[1]!, 8) & 3) === 2; // O_RDWR
  } catch {
    return false;
  }
}

// The process boundary: everything else lives in runCli, which tests can call in-process. The
// same file is the entry of the query's worker threads (one bundle, so workers load fast).
if (!isMainThread) {
  serveWorker();
} else if (stdoutWasClosed()) {
  process.stderr.write('logsift: cannot write output: standard output is closed\n');
  process.exitCode = EXIT_INPUT;
} else {
  runCli(process.argv.slice(2), { workerUrl: new URL(import.meta.url) }).then((code) => {
    process.exitCode = code;
  });
}
