import { existsSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import type { OutputKind, QueryRunSpec } from '../engine/run-query.js';

const EXAMPLES = `
Examples:
  logsift access.log                                  print every line (format detected)
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

Query stages are separated by "|": a filter (or "where EXPR"), "fields a, b", aggregates
(count, sum, avg, min, max, count_distinct, p50..p99.9) with "by KEYS", "sort KEY [desc]",
"head N", "top N FIELD". Filters use == != < <= > >= and or not ( ) contains startswith
endswith "matches /re/" and "in (...)".

Fields of access logs: host ident user time method url path query protocol status bytes
referer agent request. Application logs: time level message (+ thread, logger).

Exit status: 0 success, 1 an input failed (the others were still read), 2 usage or query error.`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/**
 * Does the first positional name an input rather than a query? Existing paths, `-`, and words
 * that look like paths: a glob or path with no spaces or operators (`logs/*.gz`), or one bare
 * word with a file-like ending (`access.log`, `app.log.1`), which as a query would only be a
 * field tested for truth: far more likely a file that is missing, and then it is reported so.
 */
function looksLikeInput(arg: string): boolean {
  if (arg === '-' || existsSync(arg)) return true;
  const bare = /^[^\s"'=<>!|()]+$/.test(arg);
  if (bare && /[*?/\\]/.test(arg) && !/^[a-z_]+\s*\(/i.test(arg)) return true;
  return bare && /\.(log|txt|json|ndjson|gz|bz2|zst|out|err|\d+)$/i.test(arg);
}

/** Parses the command line into a run spec; throws UsageError on mistakes (exit 2). */
export function parseArgs(argv: readonly string[], version: string): QueryRunSpec | null {
  const program = new Command('logsift')
    .description('Streaming grep, parse and query for logs of any size, in constant memory.')
    .version(version)
    .argument('[query]', 'filter or query pipeline (omit to print every line)')
    .argument('[paths...]', 'files, directories, globs, or - for stdin (default: stdin)')
    .option('-f, --format <format>', 'log format name (common, combined, vhost_combined, json, logfmt, applog) or a LogFormat / log_format string; default: detected per file')
    .addOption(new Option('--json', 'print results as one JSON array').conflicts(['ndjson', 'csv', 'table']))
    .addOption(new Option('--ndjson', 'print results as one JSON object per line').conflicts(['csv', 'table']))
    .addOption(new Option('--csv', 'print results as CSV (RFC 4180)').conflicts(['table']))
    .option('--table', 'print results as an aligned table (the default for aggregates)')
    .option('--strict', 'stop at the first line that does not match the format')
    .option('--profile', 'print per-stage records, time and peak memory on stderr')
    .option('--max-line-length <bytes>', 'cut lines longer than this', positiveInt, 1024 * 1024)
    .option('--distinct-limit <n>', 'count_distinct is exact up to this many values, then estimated', positiveInt, 100_000)
    .option('--percentile-limit <n>', 'percentiles are exact up to this many values, then estimated', positiveInt, 100_000)
    .option('--sort-limit <n>', 'most rows a sort keeps without a following head', positiveInt, 1_000_000)
    .option('--max-groups <n>', 'most groups an aggregation keeps (memory grows with each)', positiveInt, 1_000_000)
    .option('--no-progress', 'never show the progress bar')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) })
    .showSuggestionAfterError(true);

  try {
    program.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return null; // --help or --version printed
      throw new UsageError(error.message.replace(/^error: /, ''));
    }
    throw error;
  }

  const [first, rest] = program.processedArgs as [string | undefined, string[]];
  const opts = program.opts<{
    format?: string;
    json?: boolean;
    ndjson?: boolean;
    csv?: boolean;
    table?: boolean;
    strict?: boolean;
    profile?: boolean;
    maxLineLength: number;
    distinctLimit: number;
    percentileLimit: number;
    sortLimit: number;
    maxGroups: number;
    progress: boolean;
  }>();

  let query = '';
  let inputs = rest;
  if (first !== undefined) {
    if (looksLikeInput(first)) inputs = [first, ...rest];
    else query = first;
  }
  if (inputs.length === 0) inputs = ['-'];

  const output: OutputKind = opts.json ? 'json' : opts.ndjson ? 'ndjson' : opts.csv ? 'csv' : opts.table ? 'table' : 'auto';
  return {
    query,
    inputs,
    format: opts.format,
    output,
    strict: opts.strict ?? false,
    profile: opts.profile ?? false,
    progress: opts.progress,
    maxLineLength: opts.maxLineLength,
    limits: { distinct: opts.distinctLimit, percentile: opts.percentileLimit, sort: opts.sortLimit, groups: opts.maxGroups },
  };
}
