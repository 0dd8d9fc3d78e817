import type { Aggregate } from './aggregate.js';
import { extremumAggregate, type ExtremumState } from './extremum.js';

/** min: the smallest value (numbers, strings or Instants by their natural order); null if none. */
export function minAggregate(name: string): Aggregate<ExtremumState> {
  return extremumAggregate(name, -1);
}
