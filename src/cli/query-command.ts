import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { runQuery } from '../engine/run-query.js';
import type { QueryRunSpec } from '../engine/spec.js';
import { resolveBound } from '../engine/time-window.js';
import type { CliIo } from './io.js';
import { Progress } from './progress.js';
import { PROFILE_KINDS, profiled, type ProfileKind } from './query-profile.js';
import { outputKindOf, positiveInt, withLineAndExactLimits, withMaxGroups, withOutputKinds } from './shared-options.js';
import { closeOutputs, openOutputs, refuseQueryWithOutputs, withOutputs, type OutputRequest } from './outputs-option.js';
import { runFanOut } from '../engine/run-fan-out.js';
import { FdSink } from '../output/sink.js';

export const QUERY_EXAMPLES = `
Examples:
  logsift '' access.log                               print every line (format detected)
  logsift 'status >= 500' /var/log/nginx/             structured grep: matching lines, unchanged
  logsift 'status >= 400 and path startswith "/api"' 'logs/**/*.gz'
  logsift 'level == "ERROR"' app.log                  application logs
  logsift 'sum(bytes)' access.log                     total bytes sent
  logsift 'status == 404 | count_distinct(url)' www/
  logsift 'url == "/robots.txt" | count by host' www/
  logsift 'status >= 500 | count by bin(time, 1h)' /var/log/nginx/
  logsift 'p50(bytes), p99(bytes), avg(bytes) by method' access.log
  logsift 'top 10 host' access.log.1 access.log.2.gz
  logsift 'level == "ERROR" | count by message | sort count desc | head 5' app.log
  zcat old.log.gz | logsift 'status == 404' --json
  logsift -e 'status == 404' -o 404.log -e 'sum(bytes)' access.log   two answers, one read

The first argument is always the query ('' for none); give it with -q when it could be read as
a command name. Query stages are separated by "|": a filter (or "where EXPR"), "fields a, b",
aggregates (count, sum, avg, min, max, count_distinct, p50..p99.9) with "by KEYS",
"sort KEY [desc]", "head N", "top N FIELD". Filters use == != < <= > >= and or not ( )
contains startswith endswith "matches /re/" and "in (...)".

Fields of access logs: host ident user time method url path query protocol status bytes
referer agent request. Application logs: time level message (+ thread, logger).
List the fields of any log with: logsift fields PATH

Exit status: 0 success; 1 an input or the output failed, or a limit left the result
incomplete (everything that could be computed was printed); 2 usage or query error.`;

/** Worker threads by default: LOGSIFT_JOBS, else one per core. */
function defaultJobs(): number {
  const fromEnv = process.env['LOGSIFT_JOBS'];
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`LOGSIFT_JOBS must be a positive whole number, got "${fromEnv}"`);
    return n;
  }
  return availableParallelism();
}

interface QueryOptions {
  query?: string;
  format?: string;
  json?: boolean;
  ndjson?: boolean;
  csv?: boolean;
  table?: boolean;
  strict?: boolean;
  malformed?: string;
  profile?: boolean;
  profileKind?: ProfileKind;
  jobs?: number;
  since?: string;
  until?: string;
  maxLineLength: number;
  distinctLimit: number;
  percentileLimit: number;
  sortLimit: number;
  maxGroups: number;
  progress: boolean;
  dropWhenFull?: boolean;
}

/** `logsift [options] QUERY [PATH...]`, the default command. */
export function queryCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  const command = withOutputKinds(
    new Command('query')
      .description('filter, aggregate and sort log records (the default command)')
      .argument('[query]', "filter or query pipeline ('' to print every line)")
      .argument('[paths...]', 'files, directories, globs, or - for stdin (default: stdin)')
      .option('-q, --query <query>', 'the query, when it could be taken for a command name; every argument is then a path')
      .option('-f, --format <format>', 'log format name (common, combined, vhost_combined, json, logfmt, applog) or a LogFormat / log_format string; default: detected per file'),
    { json: 'print results as one JSON array', ndjson: 'print results as one JSON object per line', csv: 'print results as CSV (RFC 4180)', table: 'print results as an aligned table (the default for aggregates)' },
  )
    .option('--since <time>', 'only records at or after this time: 2015-05-17T10:00:00Z, "2015-05-17 10:00" (the log\'s own clock), or a duration back from now (30m, 1h, 2d)')
    .option('--until <time>', 'only records before this time (same forms as --since)')
    .option('--strict', 'stop at the first line that does not match the format (or that had to be repaired)')
    .option('--malformed <file>', 'write every line that does not match its format to FILE, in input order')
    .option('--profile', 'print per-stage records, time and peak memory on stderr; --profile=cpu adds the top functions, --profile=memory the top allocation sites, each summed by stage')
    // --profile=KIND arrives here (run.ts): an optional value on --profile itself would take the query for it.
    .addOption(new Option('--profile-kind <kind>').choices(PROFILE_KINDS as string[]).hideHelp())
    .option('-j, --jobs <n>', 'worker threads for big plain files (default: LOGSIFT_JOBS, else one per core)', positiveInt);
  withLineAndExactLimits(command).option('--sort-limit <n>', 'most rows a sort keeps without a following head', positiveInt, 1_000_000);
  const requests: OutputRequest[] = [];
  withOutputs(command, requests);
  return withMaxGroups(command)
    .option('--no-progress', 'never show the progress bar')
    .addHelpText('after', QUERY_EXAMPLES)
    .action((first: string | undefined, rest: string[], opts: QueryOptions) => {
      if (requests.length > 0) {
        done(fanOut(first, rest, requests, opts, io));
        return;
      }
      const kind = opts.profileKind ?? (opts.profile ? 'stages' : undefined);
      const spec = querySpec(first, rest, { ...opts, profile: kind !== undefined }, io);
      if (kind === undefined || kind === 'stages') {
        done(runQuery(spec));
        return;
      }
      // The profilers see this thread only: the whole run stays on it.
      done(
        profiled(kind, () => runQuery({ ...spec, jobs: 1 })).then(({ code, lines }) => {
          for (const line of lines) spec.errorLine!(line);
          return code;
        }),
      );
    });
}

/** `-e QUERY [-o FILE]`, repeated: one read on this thread; every positional is a path. */
async function fanOut(first: string | undefined, rest: readonly string[], requests: readonly OutputRequest[], opts: QueryOptions, io: CliIo): Promise<number> {
  refuseQueryWithOutputs(requests, opts.query);
  const alone = [opts.malformed !== undefined && '--malformed', (opts.profile || opts.profileKind) && '--profile', opts.jobs !== undefined && opts.jobs > 1 && '--jobs'].filter(Boolean);
  if (alone.length > 0) throw new UsageError(`${alone.join(', ')} ${alone.length === 1 ? 'is' : 'are'} for a single query: with -e, every query is answered from one read on one thread`);
  const paths = first === undefined ? [...rest] : [first, ...rest];
  const { jobs: _jobs, malformedPath: _malformed, profile: _profile, query: _query, out, ...spec } = querySpec(undefined, paths, { ...opts, query: '' }, io);
  const { outputs, files } = openOutputs(requests, out ?? new FdSink(1));
  try {
    return await runFanOut({ ...spec, outputs, dropWhenFull: opts.dropWhenFull ?? false });
  } finally {
    await closeOutputs(files);
  }
}

/** The run spec from the command line; the query is the first positional unless given with -q. */
function querySpec(first: string | undefined, rest: readonly string[], opts: QueryOptions, io: CliIo): QueryRunSpec {
  const query = opts.query ?? first ?? '';
  const positionals = opts.query !== undefined && first !== undefined ? [first, ...rest] : [...rest];
  const inputs = positionals.length === 0 ? ['-'] : positionals;
  const output = outputKindOf(opts);
  let progress: Progress | null = null;
  const say = (line: string): void => {
    progress?.clear();
    io.errorLine(line);
  };
  const now = Date.now();
  return {
    query,
    inputs,
    now,
    ...(opts.since !== undefined ? { since: resolveBound('--since', opts.since, now) } : {}),
    ...(opts.until !== undefined ? { until: resolveBound('--until', opts.until, now) } : {}),
    format: opts.format,
    output,
    strict: opts.strict ?? false,
    ...(opts.malformed !== undefined ? { malformedPath: opts.malformed } : {}),
    profile: opts.profile ?? false,
    jobs: opts.jobs ?? defaultJobs(),
    maxLineLength: opts.maxLineLength,
    limits: { distinct: opts.distinctLimit, percentile: opts.percentileLimit, sort: opts.sortLimit, groups: opts.maxGroups },
    errorLine: say,
    ...(io.out ? { out: io.out } : {}),
    ...(io.workerUrl ? { workerUrl: io.workerUrl } : {}),
    onStart: (total) => {
      if (opts.progress && process.stderr.isTTY && total !== null && total > 0) progress = new Progress(total);
    },
    onBytesRead: (n) => progress?.add(n),
    onDone: () => progress?.clear(),
  };
}
