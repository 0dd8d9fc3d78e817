#!/usr/bin/env node
import { isMainThread } from 'node:worker_threads';
import { serveWorker } from '../engine/worker.js';
import { runCli } from './run.js';

// The process boundary: everything else lives in runCli, which tests can call in-process. The
// same file is the entry of the query's worker threads (one bundle, so workers load fast).
//
// A standard output closed at start (`>&-`) cannot be told from a discarded one: Node reopens a
// closed descriptor on /dev/null read-write, exactly as a parent's `stdio: 'ignore'` opens it,
// so both are treated as a discarded output (exit 0), never as an error.
if (!isMainThread) {
  serveWorker();
} else {
  runCli(process.argv.slice(2), { workerUrl: new URL(import.meta.url) }).then((code) => {
    process.exitCode = code;
  });
}
