#!/usr/bin/env node
import { runCli } from './run.js';

// The process boundary: everything else lives in runCli, which tests can call in-process.
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
