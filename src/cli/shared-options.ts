/**
 * What several commands parse alike: option values and the limits that keep memory bounded, so a
 * limit means the same in `logsift QUERY` and `logsift follow`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { OutputKind } from '../engine/spec.js';

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** The options of the limits every query run has (line length, exact distinct values and percentiles). */
export function withLineAndExactLimits(command: Command): Command {
  return command
    .option('--max-line-length <bytes>', 'cut lines longer than this', positiveInt, 1024 * 1024)
    .option('--distinct-limit <n>', 'count_distinct and top are exact up to this many values, then estimated', positiveInt, 100_000)
    .option('--percentile-limit <n>', 'percentiles are exact up to this many values, then estimated', positiveInt, 100_000);
}

export function withMaxGroups(command: Command): Command {
  return command.option('--max-groups <n>', 'most groups an aggregation keeps (memory grows with each)', positiveInt, 1_000_000);
}

/** The writers a query command can print with, one at most, in each command's own words. */
export interface OutputKindHelp {
  readonly json: string;
  readonly ndjson: string;
  readonly csv: string;
  readonly table: string;
}

export function withOutputKinds(command: Command, help: OutputKindHelp): Command {
  return command
    .addOption(new Option('--json', help.json).conflicts(['ndjson', 'csv', 'table']))
    .addOption(new Option('--ndjson', help.ndjson).conflicts(['csv', 'table']))
    .addOption(new Option('--csv', help.csv).conflicts(['table']))
    .option('--table', help.table);
}

/** The writer those options chose ('auto': a table for results, lines for a filter). */
export function outputKindOf(opts: { readonly json?: boolean; readonly ndjson?: boolean; readonly csv?: boolean; readonly table?: boolean }): OutputKind {
  return opts.json ? 'json' : opts.ndjson ? 'ndjson' : opts.csv ? 'csv' : opts.table ? 'table' : 'auto';
}
