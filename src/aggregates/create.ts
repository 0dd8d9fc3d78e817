import type { Aggregate, AggregateOptions } from './aggregate.js';
import { aggregateKind } from './registry.js';

/**
 * Builds an aggregate from plain configuration (the query planner maps `p99(bytes)` to
 * `createAggregate('percentile', { name: 'p99(bytes)', quantile: 0.99 })`). See registry.ts.
 */
export function createAggregate(fn: string, opts: AggregateOptions): Aggregate<unknown> {
  return aggregateKind(fn).create(opts);
}
