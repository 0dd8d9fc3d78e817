import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { compareFiles, type Moment } from '../trace/run/compare-files.js';
import { formatDiffs } from '../trace/run/format-report.js';
import { traceProgram } from '../trace/run/trace-program.js';
import { DEFAULT_SNAPSHOT_LIMIT } from '../trace/run/snapshot-limit.js';
import { STATISTIC_KEYS, type StatisticKey } from '../trace/statistics.js';
import { DEFAULT_INTERVAL } from '../trace/thread-tracer.js';
import { parseBytes } from '../trace/units.js';
import type { CliIo } from './io.js';
import { positiveInt } from './shared-options.js';

export const TRACE_EXAMPLES = `
Examples:
  logsift trace -- node app.js                      memory at the peak and at exit, on stderr
  logsift trace --cpu -- node app.js input.log      and where the time went, by function and line
  logsift trace --json report.json -- node_modules/.bin/tsc -p .
  logsift trace --out prof/ -- node app.js          .heapprofile, .cpuprofile, collapsed stacks
  logsift trace --snapshot -- node app.js           an exact heap snapshot at the peak, by constructor
  logsift trace compare before.json after.json      what grew between two reports or snapshots

The program's standard input, output, error and exit code pass through untouched; the report
goes to stderr (or --report FILE). COMMAND is node with its arguments, a .js/.mjs/.cjs file, or
an executable whose #! line runs node (npm bins), found on PATH or in node_modules/.bin.
Its main thread is traced (worker threads and child processes are counted, not traced).
A program named compare needs a path: logsift trace -- ./compare.`;

function bytes(value: string): number {
  const n = parseBytes(value);
  if (n === undefined || n < 1 || n > 2 ** 31 - 1) throw new InvalidArgumentError('expected bytes from 1 to 2147483647, e.g. 32768, 32k or 512KiB');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

interface TraceOptions {
  top: number;
  cpu?: boolean;
  interval: number;
  precise?: boolean;
  snapshot?: boolean;
  force?: boolean;
  snapshotLimit: number;
  out?: string;
  report?: string;
  json?: string;
  include?: string[];
  exclude?: string[];
}

/** A file the report will be written to: its folder must exist now, not after a long run. */
function outputFile(file: string | undefined, option: string): string | undefined {
  if (file === undefined) return undefined;
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`trace: ${option} ${file}: folder ${dir} does not exist`);
  return file;
}

function outputDir(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`trace: --out ${dir}: ${(error as Error).message.replace(/^\w+: /, '')}`);
  }
  return dir;
}

/**
 * `logsift trace [options] -- COMMAND [ARGS...]`: tracemalloc, cProfile and line_profiler for any
 * Node program; `logsift trace compare OLD NEW`: what grew between two snapshots or reports.
 */
export function traceCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  const writeOut = (s: string): void => io.out?.write(s) ?? void process.stdout.write(s);
  const trace = new Command('trace')
    // `trace compare --json` is compare's flag, not trace's `--json FILE`.
    .enablePositionalOptions()
    .description('run a Node.js program and show where its memory and time go (like tracemalloc and cProfile)')
    .usage('[options] -- COMMAND [ARGS...]\n       logsift trace compare OLD.json NEW.json')
    .argument('[command...]', 'the program to run: node and its arguments, a script, or an npm bin')
    .option('--top <n>', 'sites, functions and lines to show', positiveInt, 10)
    .option('--cpu', 'profile the CPU too: top functions by self and cumulative time, hottest lines')
    .option('--interval <bytes>', 'mean bytes between heap samples (smaller is finer and slower)', bytes, DEFAULT_INTERVAL)
    .option('--precise', 'run with allocation folding off, for accurate live bytes (slower)')
    .option('--snapshot', `take an exact heap snapshot at the peak, summarised by constructor (not above ${DEFAULT_SNAPSHOT_LIMIT / 1024 / 1024} MiB of live heap)`)
    .option('--force', 'with --snapshot: take it whatever the size of the heap')
    .option('--snapshot-limit <bytes>', 'with --snapshot: the live heap above which none is taken', bytes, DEFAULT_SNAPSHOT_LIMIT)
    // Accepted as every mode accepts it (trace shows no progress bar).
    .addOption(new Option('--no-progress').hideHelp())
    .option('--out <dir>', 'write .heapprofile, .cpuprofile, .heapsnapshot and collapsed stacks there')
    .option('--report <file>', 'write the report there instead of stderr')
    .option('--json <file>', 'write the report as JSON there')
    .option('--include <pattern>', 'only files matching can be sites (* matches anything; repeatable)', collect)
    .option('--exclude <pattern>', 'files that are never sites: their memory goes to their callers (repeatable)', collect)
    .addHelpText('after', TRACE_EXAMPLES)
    .action((command: string[], opts: TraceOptions) => {
      done(
        (async () => {
          if (command.length === 0) throw new UsageError('trace: give the program to run after --, e.g. logsift trace -- node app.js');
          if (opts.force && !opts.snapshot) throw new UsageError('trace: --force goes with --snapshot');
          if (opts.snapshotLimit !== DEFAULT_SNAPSHOT_LIMIT && !opts.snapshot) throw new UsageError('trace: --snapshot-limit goes with --snapshot');
          const { exitCode } = await traceProgram({
            command,
            interval: opts.interval,
            precise: opts.precise ?? false,
            cpu: opts.cpu ?? false,
            snapshot: opts.snapshot ?? false,
            snapshotLimit: opts.force ? Number.MAX_SAFE_INTEGER : opts.snapshotLimit,
            top: opts.top,
            ...(opts.include ? { include: opts.include } : {}),
            ...(opts.exclude ? { exclude: opts.exclude } : {}),
            ...(outputFile(opts.report, '--report') !== undefined ? { reportFile: opts.report } : {}),
            ...(outputFile(opts.json, '--json') !== undefined ? { jsonFile: opts.json } : {}),
            ...(outputDir(opts.out) !== undefined ? { outDir: opts.out } : {}),
            say: io.errorLine,
          });
          return exitCode;
        })(),
      );
    });
  // Options after the program belong to it; say so instead of "unknown option" alone.
  Object.assign(trace, {
    unknownOption(this: Command, flag: string): never {
      return this.error(`unknown option '${flag}' (the program's own options go after --: logsift trace [options] -- COMMAND [ARGS...])`, {
        code: 'commander.unknownOption',
      });
    },
  });
  trace.addCommand(compareCommand(io, done).exitOverride().configureOutput({ writeErr: () => {}, writeOut }));
  return trace;
}

function compareCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  return new Command('compare')
    .description('print what grew or shrank between two dumped snapshots or two JSON reports of logsift trace')
    .argument('<old>', 'the earlier snapshot or report (JSON)')
    .argument('<new>', 'the later one')
    .option('--top <n>', 'differences to show', positiveInt, 10)
    .addOption(new Option('--key <key>', 'group snapshots by site, file or whole stack').choices(STATISTIC_KEYS as string[]).default('lineno'))
    .addOption(new Option('--at <moment>', 'which sites of two reports: live at the peak or at exit').choices(['peak', 'exit']).default('peak'))
    .option('--json', 'print {"diffs": [...]} as JSON on standard output')
    .addHelpText('after', '\nExample:\n  logsift trace compare --top 20 before.snapshot.json after.snapshot.json')
    .action((older: string, newer: string, opts: { top: number; key: StatisticKey; at: Moment; json?: boolean }) => {
      done(
        (async () => {
          const { diffs, title } = await compareFiles(older, newer, { key: opts.key, at: opts.at });
          const text = opts.json ? JSON.stringify({ diffs: diffs.map(({ function: f, file, line, via, size, sizeDiff, count, countDiff }) => ({ function: f, file, line, ...(via !== undefined ? { via } : {}), size, sizeDiff, count, countDiff })) }, null, 2) + '\n' : formatDiffs(diffs, opts.top, title);
          const out = io.out;
          if (out) {
            out.write(text);
            await out.end();
          } else process.stdout.write(text);
          return 0;
        })(),
      );
    });
}
