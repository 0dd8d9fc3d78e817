import type { Aggregate, AggregateFunction, AggregateOptions } from './aggregate.js';
import { avgAggregate } from './avg.js';
import { countDistinctAggregate } from './count-distinct.js';
import { countAggregate } from './count.js';
import { maxAggregate } from './max.js';
import { minAggregate } from './min.js';
import { percentileAggregate } from './percentile.js';
import { sumAggregate } from './sum.js';

/**
 * Builds an aggregate from plain configuration (the query planner maps `p99(bytes)` to
 * `createAggregate('percentile', { name: 'p99(bytes)', quantile: 0.99 })`).
 */
export function createAggregate(fn: AggregateFunction, opts: AggregateOptions): Aggregate<unknown> {
  const { name, quantile, exactLimit } = opts;
  switch (fn) {
    case 'count':
      return erase(countAggregate(name));
    case 'sum':
      return erase(sumAggregate(name));
    case 'avg':
      return erase(avgAggregate(name));
    case 'min':
      return erase(minAggregate(name));
    case 'max':
      return erase(maxAggregate(name));
    case 'count_distinct':
      return erase(countDistinctAggregate(name, exactLimit));
    case 'percentile':
      if (quantile === undefined) throw new RangeError(`${name}: percentile needs a quantile`);
      return erase(percentileAggregate(name, quantile, exactLimit));
    default:
      throw new RangeError(`unknown aggregate function: ${String(fn satisfies never)}`);
  }
}

/**
 * Forgets the state type: the engine only passes states back to the aggregate that made them,
 * so it never needs to know what they are.
 */
function erase<S>(aggregate: Aggregate<S>): Aggregate<unknown> {
  return aggregate as unknown as Aggregate<unknown>;
}
