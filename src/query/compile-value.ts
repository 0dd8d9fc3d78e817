/**
 * Value getters over FieldReaders, for `fields`, aggregate arguments and group keys.
 */
import type { LineBatch } from '../core/batch.js';
import { Instant, type Value } from '../core/value.js';
import type { FieldReader, ReaderScope } from '../core/format.js';
import { isRepresentableMs } from '../formats/time/civil.js';
import type { BinKey, GroupKey, Operand } from './ast.js';
import { constantReader, operandReader } from './compile-operand.js';
import { parseInstant } from './time-literal.js';

export type BatchValue<B = LineBatch> = (b: B, row: number) => Value;

const NULL_VALUE = (): Value => null;

/** An operand's value per row: null when missing. */
export function compileValue<B>(node: Operand, scope: ReaderScope<B>): BatchValue<B> {
  const reader = operandReader(node, scope);
  if (reader === undefined) return NULL_VALUE;
  return (b, row) => reader.value(b, row);
}

/** A group key's value: the operand's value, or for `bin(...)` the start of the record's bucket. */
export function compileGroupKey<B>(key: GroupKey, scope: ReaderScope<B>): BatchValue<B> {
  return key.kind === 'bin' ? compileBin(key, scope) : compileValue(key, scope);
}

/** The reader of an operand that is never undefined (a field no row has reads as missing). */
export function readerOrMissing<B>(node: Operand, scope: ReaderScope<B>): FieldReader<B> {
  return operandReader(node, scope) ?? constantReader<B>(node.kind === 'field' ? node.name : 'missing', null);
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
 * (so output shows local time as the log wrote it); `bin(bytes, 100)` -> the number starting
 * the value's bucket (0, 100, 200...).
 *
 * Time buckets are aligned on the log's own clock (its UTC offset): `bin(time, 1d)` on a -0400
 * log gives its local days, midnight to midnight, as a reader of that log expects. Records
 * written with different offsets fall in different buckets when their local boundaries differ;
 * the bucket of a record never depends on the other records, so partial results still merge.
 *
 * Values of dynamic formats: an Instant as is; a number is read as epoch milliseconds; a string
 * is parsed as an ISO-8601/CLF time (per row, so formats should decode times themselves).
 * Anything else, or a missing field, gives null.
 */
function compileBin<B>(key: BinKey, scope: ReaderScope<B>): BatchValue<B> {
  const reader = operandReader(key.field, scope);
  if (reader === undefined) return NULL_VALUE;
  const width = key.ms;
  if (key.numeric) {
    return (b, row) => {
      const x = reader.num(b, row);
      return x === x && Number.isFinite(x) ? Math.floor(x / width) * width : null;
    };
  }
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
