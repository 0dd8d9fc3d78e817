import type { Value } from '../core/value.js';
import { decodeValue, encodeValue, type EncodedValue } from '../core/value-codec.js';
import type { Aggregate } from './aggregate.js';
import { expectRecord } from './codec.js';

/** The value kept, or none yet (`seen` false: a kept null would be ambiguous). */
export interface KeptValue {
  seen: boolean;
  value: Value;
}

/**
 * first(x), last(x) and sample(x): the value of the first or the last record that has one (a
 * missing value is skipped), in input order. Parts of a split input merge in input order (see
 * PartialMerger), so `merge(earlier, later)` keeps the earlier's for first, the later's for last.
 * sample(x) is first(x) by another name: one example per group (`sample(line)` an original line),
 * chosen the same way every run.
 */
export function keptValueAggregate(name: string, keep: 'first' | 'last'): Aggregate<KeptValue> {
  const take = (s: KeptValue, value: Value): KeptValue => {
    if (value === null || (typeof value === 'number' && value !== value)) return s;
    if (keep === 'last' || !s.seen) {
      s.seen = true;
      s.value = value;
    }
    return s;
  };
  return {
    name,
    init: () => ({ seen: false, value: null }),
    add: take,
    merge: (a, b) => (b.seen ? take(a, b.value) : a),
    result: (s) => s.value,
    encode: (s) => (s.seen ? { value: encodeValue(s.value) } : {}),
    decode(data) {
      const record = expectRecord(data, `${keep} state`);
      return 'value' in record ? { seen: true, value: decodeValue(record.value as EncodedValue) } : { seen: false, value: null };
    },
  };
}
