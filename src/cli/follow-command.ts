import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { runFollow, type FollowRunSpec } from '../engine/follow-run.js';
import { durationMs } from '../engine/time-window.js';
import type { CliIo } from './io.js';
import { outputKindOf, positiveInt, withLineAndExactLimits, withMaxGroups, withOutputKinds } from './shared-options.js';
import { closeOutputs, openOutputs, refuseQueryWithOutputs, withOutputs, type OutputRequest } from './outputs-option.js';
import { FdSink, type FileSink } from '../output/sink.js';

export const FOLLOW_EXAMPLES = `
Examples:
  logsift follow '' /var/log/nginx/access.log          print new lines as they arrive (tail -F)
  logsift follow 'status >= 500' /var/log/nginx/       matching lines of every file below, new files too
  logsift follow 'level == "ERROR"' 'logs/app*.log'    a glob (quoted): files that match later are picked up
  logsift follow 'count by status' --every 10s access.log
  logsift follow 'status >= 500 | count by host' --window 1m --every 5s access.log
  logsift follow --checkpoint state.json --from start 'status == 404' access.log
  app | logsift follow 'level == "WARN"' -               standard input, to its end
  logsift follow -e 'status == 404' -o 404.log -e 'count by status' --every 10s access.log
  logsift follow --alert 'status >= 500 | count by host | where count > 10' --window 1m \
                 --for 30s --exec 'mail -s alert ops@example.com' access.log

Alerts: the rows of an --alert query's result are the firing alerts, judged every --every over
the --window (or everything since start). A row that appears fires once, keyed by its group,
after holding for --for; it resolves when it is gone. Each change is printed as one JSON line
{"state":"firing"|"resolved","rule":...,"row":{...},"at":...} and sent to --exec (on stdin) and
--webhook (POSTed); actions run in the background, at most --max-actions a minute.

Rotation by rename + create and by copytruncate is followed without loss: files are known by
device, inode and first bytes, a renamed file is read to its end through its open descriptor, and
a truncated file is read again from its start. Files present at start are read from their end
(--from start: from their start); files that appear later, from their start.

SIGINT or SIGTERM ends following: an aggregate prints its final result, the checkpoint is written
(with --checkpoint), and the exit status is 0 (1 when an input failed along the way). Restarted
with the same --checkpoint after SIGINT/SIGTERM, every line is delivered exactly once; after a
SIGKILL, no line is lost and at most the lines after the last checkpoint (250 ms) come again.`;

function duration(value: string): number {
  return durationAtLeast(value, 1);
}

/** `--for` may be zero (fire at once): 0, 0s, 0ms. */
function durationOrZero(value: string): number {
  return value.trim() === '0' ? 0 : durationAtLeast(value, 0);
}

function durationAtLeast(value: string, least: number): number {
  const ms = durationMs(value);
  if (ms === null || ms < least) throw new InvalidArgumentError(`expected a duration such as ${least === 0 ? '0, ' : ''}500ms, 5s, 1m`);
  return ms;
}

interface FollowOptions {
  query?: string;
  format?: string;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
  table?: boolean;
  from: 'start' | 'end';
  every: number;
  window?: number;
  checkpoint?: string;
  poll: number;
  rotateWait: number;
  strict?: boolean;
  maxLineLength: number;
  distinctLimit: number;
  percentileLimit: number;
  maxGroups: number;
  dropWhenFull?: boolean;
  alert?: string[];
  for: number;
  exec?: string;
  webhook?: string;
  maxActions: number;
}

/** `logsift follow [options] [QUERY] PATH...`: a pass that never ends, over files as they grow and rotate. */
export function followCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  const command = withOutputKinds(
    new Command('follow')
      .description('follow growing logs across rotation: matching lines as they arrive, or an aggregate every --every')
      .argument('[query]', "filter or query pipeline ('' for every line)")
      .argument('[paths...]', 'files, directories, globs, FIFOs, or - for stdin (default: stdin)')
      .option('-q, --query <query>', 'the query, when it could be taken for a path; every argument is then a path')
      .option('-f, --format <format>', 'log format name or format string; default: detected per file from its first lines'),
    { json: 'aggregates as one JSON array per result; filtered records as JSON', ndjson: 'one JSON object per line', csv: 'aggregates as CSV', table: 'aggregates as an aligned table (the default)' },
  )
    .addOption(new Option('--from <where>', 'where to read files that exist at start').choices(['start', 'end']).default('end'))
    .option('--every <duration>', "how often an aggregate's result is printed", duration, 5000)
    .option('--window <duration>', 'aggregate over what arrived in this sliding window (default: everything since start)', duration)
    .option('--checkpoint <file>', 'keep per-file positions (and a running aggregate) in FILE, and resume from it')
    .option('--poll <duration>', 'how often files are looked at besides watch events (the safety net)', duration, 500)
    .option('--rotate-wait <duration>', 'how long a renamed or deleted file must be idle before it is closed', duration, 1000)
    .option('--strict', 'stop at the first line that does not match the format')
    .option('--alert <query>', 'an aggregate whose result rows are firing alerts (repeatable)', (q: string, all: string[] | undefined) => [...(all ?? []), q])
    .option('--for <duration>', 'an alert fires only after its row held this long', durationOrZero, 0)
    .option('--exec <command>', 'run COMMAND (by /bin/sh) for each alert event, with the event as JSON on its stdin')
    .option('--webhook <url>', 'POST each alert event as JSON to URL (http or https)', httpUrl)
    .option('--max-actions <n>', 'most alert actions (--exec, --webhook) started in a minute', positiveInt, 60);
  const requests: OutputRequest[] = [];
  withOutputs(command, requests);
  return withMaxGroups(withLineAndExactLimits(command))
    // Accepted like every command's (scripts pass it everywhere); follow never shows a progress bar.
    .addOption(new Option('--no-progress').hideHelp())
    .addHelpText('after', FOLLOW_EXAMPLES)
    .action((first: string | undefined, rest: string[], opts: FollowOptions) => {
      const { spec, files } = followSpec(first, rest, opts, io, requests);
      done(follow(spec).finally(() => closeOutputs(files)));
    });
}

/** Runs until SIGINT or SIGTERM (or standard input's end, when it is the only input). */
async function follow(spec: Omit<FollowRunSpec, 'signal'>): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runFollow({ ...spec, signal: stop.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // A FIFO's open waits on the thread pool for a writer and cannot be called off: once all
    // output is written, nothing else is left to do, so the process may end anyway.
    setTimeout(() => process.exit(), 500).unref();
  }
}

function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL');
  return url.href;
}

function followSpec(first: string | undefined, rest: readonly string[], opts: FollowOptions, io: CliIo, requests: readonly OutputRequest[]): { spec: Omit<FollowRunSpec, 'signal'>; files: FileSink[] } {
  const alerts = opts.alert ?? [];
  // With -e or --alert, every argument is a path (as with -q).
  const allPaths = opts.query !== undefined || requests.length > 0 || alerts.length > 0;
  refuseQueryWithOutputs(requests, opts.query);
  const query = opts.query ?? (allPaths ? '' : (first ?? ''));
  const positionals = allPaths && first !== undefined ? [first, ...rest] : [...rest];
  if (alerts.length === 0 && (opts.for > 0 || opts.exec !== undefined || opts.webhook !== undefined)) {
    throw new UsageError('--for, --exec and --webhook belong to an --alert QUERY');
  }
  const stdout = io.out ?? new FdSink(1);
  const { outputs, files } = requests.length > 0 ? openOutputs(requests, stdout, true) : { outputs: undefined, files: [] };
  const output = outputKindOf(opts);
  if (opts.window !== undefined && opts.window < 100) throw new UsageError('--window must be at least 100ms');
  const spec: Omit<FollowRunSpec, 'signal'> = {
    query,
    inputs: positionals.length === 0 ? ['-'] : positionals,
    now: Date.now(),
    format: opts.format,
    output,
    strict: opts.strict ?? false,
    maxLineLength: opts.maxLineLength,
    limits: { distinct: opts.distinctLimit, percentile: opts.percentileLimit, sort: 1_000_000, groups: opts.maxGroups },
    from: opts.from,
    everyMs: opts.every,
    ...(opts.window !== undefined ? { windowMs: opts.window } : {}),
    ...(opts.checkpoint !== undefined ? { checkpointPath: opts.checkpoint } : {}),
    pollMs: opts.poll,
    rotateWaitMs: opts.rotateWait,
    errorLine: io.errorLine,
    out: stdout,
    ...(outputs ? { outputs } : {}),
    dropWhenFull: opts.dropWhenFull ?? false,
    ...(alerts.length > 0
      ? { alerts: { rules: alerts, forMs: opts.for, exec: opts.exec, webhook: opts.webhook, maxActionsPerMinute: opts.maxActions } }
      : {}),
  };
  return { spec, files };
}
