/**
 * Value getters over FieldReaders, for `fields`, aggregate arguments and group keys.
 */
import type { LineBatch } from '../core/batch.js';
import { Instant, type Value } from '../core/value.js';
import type { RowParser } from '../core/format.js';
import { isRepresentableMs } from '../formats/time/civil.js';
import type { BinKey, Expr, GroupKey, Operand } from './ast.js';
import { compilePredicate } from './compile-predicate.js';
import { parseInstant } from './time-literal.js';

export type BatchValue = (b: LineBatch, row: number) => Value;

const NULL_VALUE: BatchValue = () => null;

/** A field's value (null when missing), a literal's value, or a condition's boolean. */
export function compileValue(node: Expr | Operand, parser: RowParser): BatchValue {
  switch (node.kind) {
    case 'field': {
      const reader = parser.reader(node.name);
      if (reader === undefined) return NULL_VALUE;
      return (b, row) => reader.value(b, row);
    }
    case 'string':
    case 'number':
    case 'bool':
    case 'time': {
      const value = node.value;
      return () => value;
    }
    default: {
      const predicate = compilePredicate(node, parser);
      return (b, row) => predicate(b, row);
    }
  }
}

/** A group key's value: the field's value, or for `bin(...)` the start of the record's bucket. */
export function compileGroupKey(key: GroupKey, parser: RowParser): BatchValue {
  return key.kind === 'bin' ? compileBin(key, parser) : compileValue(key, parser);
}

/**
 * Start of the `width`-ms bucket holding `ms`, on the clock of a log written at `offsetMinutes`
 * from UTC: buckets line up with that log's local hours and midnights.
 */
export function bucketStart(ms: number, width: number, offsetMinutes = 0): number {
  const shift = offsetMinutes * 60_000;
  return Math.floor((ms + shift) / width) * width - shift;
}

/**
 * `bin(time, 5m)` -> the Instant starting the record's bucket, keeping the record's UTC offset
 * (so output shows local time as the log wrote it).
 *
 * Buckets are aligned on the log's own clock (its UTC offset): `bin(time, 1d)` on a -0400 log
 * gives its local days, midnight to midnight, as a reader of that log expects. Records written
 * with different offsets fall in different buckets when their local boundaries differ; the
 * bucket of a record never depends on the other records, so partial results still merge.
 *
 * Values of dynamic formats: an Instant as is; a number is read as epoch milliseconds; a string
 * is parsed as an ISO-8601/CLF time (per row, so formats should decode times themselves).
 * Anything else, or a missing field, gives null.
 */
function compileBin(key: BinKey, parser: RowParser): BatchValue {
  const reader = parser.reader(key.field.name);
  if (reader === undefined) return NULL_VALUE;
  const width = key.ms;
  return (b, row) => {
    const v = reader.value(b, row);
    if (v instanceof Instant) return new Instant(bucketStart(v.ms, width, v.offsetMinutes), v.offsetMinutes);
    if (typeof v === 'number') return isRepresentableMs(v) ? new Instant(bucketStart(v, width), 0) : null;
    if (typeof v === 'string') {
      const t = parseInstant(v);
      return t === null ? null : new Instant(bucketStart(t.ms, width, t.offsetMinutes), t.offsetMinutes);
    }
    return null;
  };
}
