import type { Source } from '../core/source.js';
import type { CollectorPlan, QueryPlan } from './plan.js';
import type { Partial } from './partial.js';
import type { PassHooks, PassInput } from './pass.js';
import type { QueryRunSpec } from './spec.js';

/** One unit of parallel work: a whole source, or a line-aligned byte range of a plain file. */
export type Unit = PassInput;

/** The units to run on worker threads, or null to run on this thread. */
export async function planUnits(
  _spec: QueryRunSpec,
  _plan: QueryPlan,
  _collecting: CollectorPlan,
  _sources: readonly Source[],
): Promise<Unit[] | null> {
  return null;
}

export async function runParallel(_spec: QueryRunSpec, _units: readonly Unit[], _hooks: PassHooks): Promise<Partial> {
  throw new Error('not yet');
}
