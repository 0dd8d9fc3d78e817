import type { Aggregate } from './aggregate.js';

/** count: the number of records. The value is ignored: every call counts one record. */
export function countAggregate(name: string): Aggregate<number> {
  return {
    name,
    init: () => 0,
    add: (n) => n + 1,
    addNumber: (n) => n + 1,
    merge: (a, b) => a + b,
    result: (n) => n,
  };
}
