/**
 * What several commands parse alike: option values and the limits that keep memory bounded, so a
 * limit means the same in `logsift QUERY` and `logsift follow`.
 */
import { Command, InvalidArgumentError } from 'commander';

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
