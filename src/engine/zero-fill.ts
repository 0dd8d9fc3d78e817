import type { Row } from '../core/row.js';
import { Instant, type Value } from '../core/value.js';
import type { Aggregate } from '../aggregates/index.js';
import { columnName, type AggregateStage, type Stage } from '../query/ast.js';

/** Most empty buckets added to one result; past it the gaps stay (and a warning says so). */
export const MAX_FILLED_BINS = 1_000_000;

/**
 * The bucket width when the rows of `stage` are to be zero-filled: the aggregate is over one
 * time bin (`count by bin(time, 1h)`) and the next stage sorts by that bin, so the output reads
 * as a time series, in which a missing hour should show as 0, not vanish.
 */
export function zeroFillWidth(stage: AggregateStage, rest: readonly Stage[]): number | null {
  const [key] = stage.groupBy;
  const next = rest[0];
  if (stage.groupBy.length !== 1 || key?.kind !== 'bin' || key.numeric) return null;
  if (next?.kind !== 'sort' || next.keys[0]?.column.name !== columnName(key)) return null;
  return key.ms;
}

/**
 * The rows with a row for each empty bucket between the first and the last, holding what the
 * aggregates give for no records (count 0, sum 0, avg and percentiles empty). Buckets step by
 * `width` from the earliest, at its UTC offset. The sort after puts them in place.
 */
export function withEmptyBins(
  rows: readonly Row[],
  width: number,
  aggregates: readonly Aggregate<unknown>[],
  warn: (message: string) => void,
): Row[] {
  const present = new Set<number>();
  let first: Instant | null = null;
  let last = -Infinity;
  for (const r of rows) {
    const key = r[0];
    if (!(key instanceof Instant)) continue;
    present.add(key.ms);
    if (first === null || key.ms < first.ms) first = key;
    if (key.ms > last) last = key.ms;
  }
  if (first === null) return [...rows];
  const buckets = Math.floor((last - first.ms) / width) + 1;
  if (buckets - present.size > MAX_FILLED_BINS) {
    warn(`${(buckets - present.size).toLocaleString('en-US')} empty buckets between the first and last are left out (more than ${MAX_FILLED_BINS.toLocaleString('en-US')}); use a wider bin`);
    return [...rows];
  }
  const empty: Value[] = aggregates.map((a) => a.result(a.init()));
  const out = [...rows];
  for (let t = first.ms; t <= last; t += width) {
    if (!present.has(t)) out.push([new Instant(t, first.offsetMinutes), ...empty]);
  }
  return out;
}
