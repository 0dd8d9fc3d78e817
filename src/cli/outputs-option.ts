/**
 * `-e QUERY [-o FILE]`, repeated, and `--drop-when-full`: several queries answered from one read
 * (fan-out), in ordinary runs and in follow mode alike. `-o` names the file of the `-e` just
 * before it; an `-e` without one writes to standard output.
 */
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../core/errors.js';
import type { FanOutOutput } from '../engine/run-fan-out.js';
import { FileSink, type ByteSink } from '../output/sink.js';
import { inQuery } from '../query/errors.js';
import { parseQuery } from '../query/parser.js';

/** The `-e` / `-o` pairs in command-line order (commander calls option parsers in that order). */
export interface OutputRequest {
  readonly query: string;
  path?: string;
}

/** Adds -e, -o and --drop-when-full; the pairs collect into `requests`. */
export function withOutputs(command: Command, requests: OutputRequest[]): Command {
  return command
    .option(
      '-e, --expr <query>',
      'a query of its own over the same read (repeatable): every -e is answered from one read and parse',
      (query: string) => {
        requests.push({ query });
        return requests.length;
      },
    )
    .option(
      '-o, --output <file>',
      'write the results of the -e just before to FILE (default: standard output)',
      (path: string) => {
        const last = requests.at(-1);
        if (!last) throw new InvalidArgumentError('-o names the file of the -e before it: give -e QUERY first');
        if (last.path !== undefined) throw new InvalidArgumentError(`-e '${last.query}' already writes to ${last.path}`);
        last.path = path;
        return path;
      },
    )
    .option('--drop-when-full', 'an output that cannot keep up drops (and counts) its lines instead of slowing reading down');
}

/**
 * The outputs of the -e requests: queries checked (a mistake shows with its caret), files opened:
 * truncated, or appended to (`append`: follow mode, which goes on where a checkpoint left off).
 */
export function openOutputs(requests: readonly OutputRequest[], stdout: ByteSink, append = false): { outputs: FanOutOutput[]; files: FileSink[] } {
  const files: FileSink[] = [];
  const byPath = new Map<string, FileSink>();
  // Every query is read before any output file is opened (and emptied).
  for (const r of requests) inQuery(r.query, '-e', () => parseQuery(r.query));
  const outputs = requests.map((r): FanOutOutput => {
    if (r.path === undefined || r.path === '-') return { query: r.query, sink: stdout, label: 'standard output', option: '-e' };
    if (byPath.has(r.path)) throw new UsageError(`-o ${r.path} is given twice: each output file takes the results of one -e`);
    const sink = FileSink.open(r.path, append);
    byPath.set(r.path, sink);
    files.push(sink);
    return { query: r.query, sink, label: `-o ${r.path}`, option: '-e' };
  });
  return { outputs, files };
}

/** `-e` (several queries) and `-q` (one) are two ways to give the queries: not both. */
export function refuseQueryWithOutputs(requests: readonly OutputRequest[], query: string | undefined): void {
  if (requests.length > 0 && query !== undefined) throw new UsageError('give the queries either as -e QUERY (several) or as one query, not both');
}

/** Closes the `-o` files, whatever the run's outcome. */
export async function closeOutputs(files: readonly FileSink[]): Promise<void> {
  await Promise.allSettled(files.map((f) => f.close()));
}
