import type { Aggregate } from './aggregate.js';
import { expectCount } from './codec.js';

/** count: the number of records. The value is ignored: every call counts one record. */
export function countAggregate(name: string): Aggregate<number> {
  return {
    name,
    init: () => 0,
    add: (n) => n + 1,
    addNumber: (n) => n + 1,
    merge: (a, b) => a + b,
    result: (n) => n,
    // The count itself: the most common state stays the smallest.
    encode: (n) => n,
    decode: (data) => expectCount(data, 'count state'),
  };
}
