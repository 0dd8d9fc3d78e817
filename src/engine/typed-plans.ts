import type { LogFormat } from '../core/format.js';
import type { Query } from '../query/ast.js';
import { QueryError } from '../query/errors.js';
import { typecheck } from '../query/typecheck.js';
import { planQuery, type QueryPlan } from './plan.js';

/**
 * The query checked and planned once per log format met. Files of one run may differ in format,
 * so types are known per format; the first format decides what the query means:
 * - the first format must fit the query: an unknown field or a type mismatch is a QueryError;
 * - a later format that lacks a field the query uses gets it as missing (comparisons false,
 *   aggregates skip it), with one warning, so one odd file never costs the whole run;
 * - the sink and the row stages are built from the first format's plan (`main`).
 */
export class TypedPlans {
  private readonly plans = new Map<LogFormat, QueryPlan>();
  private first: QueryPlan | null = null;

  constructor(
    private readonly query: Query,
    private readonly warn: (message: string) => void,
  ) {}

  forFormat(format: LogFormat, sourceName: string): QueryPlan {
    let plan = this.plans.get(format);
    if (plan) return plan;
    if (this.first === null) {
      plan = this.check(format.fields);
      this.first = plan;
    } else {
      try {
        plan = this.check(format.fields);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        this.warn(`${sourceName} (${format.name}): ${error.message}; read as missing there`);
        plan = this.check(null);
      }
    }
    this.plans.set(format, plan);
    return plan;
  }

  /** The plan that shapes the output: the first format's, or (no input had data) the query checked without a schema. */
  main(): QueryPlan {
    this.first ??= this.check(null);
    return this.first;
  }

  private check(fields: LogFormat['fields']): QueryPlan {
    const typed = typecheck(this.query, fields);
    return planQuery({ text: typed.text, stages: typed.stages.map((s) => s.stage) });
  }
}
