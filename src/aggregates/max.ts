import type { Aggregate } from './aggregate.js';
import { extremumAggregate, type ExtremumState } from './extremum.js';

/** max: the largest value (numbers, strings or Instants by their natural order); null if none. */
export function maxAggregate(name: string): Aggregate<ExtremumState> {
  return extremumAggregate(name, 1);
}
