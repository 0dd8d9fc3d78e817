import type { LogFormat } from '../core/format.js';
import type { Query } from '../query/ast.js';
import { QueryError } from '../query/errors.js';
import { typecheck } from '../query/typecheck.js';
import { planQuery, type QueryPlan } from './plan.js';

/**
 * The query checked and planned once per log format met. Files of one run may differ in format
 * (a directory of access and application logs), so types are known per format:
 * - a format that lacks a field the query uses reads it as missing (comparisons false,
 *   aggregates skip it), with one warning, so one odd file never costs the run;
 * - that is an error only when no format of the run has the field (`failure()`);
 * - any other mistake (a type error such as `sum(host)`) is an error at once;
 * - the sink and the row stages are built from the first format that fits (`main()`).
 */
export class TypedPlans {
  private readonly plans = new Map<LogFormat, QueryPlan>();
  private first: QueryPlan | null = null;
  private fits = 0;
  private readonly misses: QueryError[] = [];

  constructor(
    private readonly query: Query,
    private readonly warn: (message: string) => void,
    /** Epoch ms that `now()` means, the same for every thread of a run. */
    private readonly now: number,
  ) {}

  forFormat(format: LogFormat, sourceName: string): QueryPlan {
    let plan = this.plans.get(format);
    if (plan) return plan;
    try {
      plan = this.check(format.fields);
      this.fits++;
      this.first ??= plan;
    } catch (error) {
      if (!(error instanceof QueryError) || error.unknownField === undefined) throw error;
      this.misses.push(error);
      this.warn(`logsift: ${sourceName} (${format.name}): ${error.message}; read as missing there`);
      plan = this.check(null);
    }
    this.plans.set(format, plan);
    return plan;
  }

  /** Formats met so far that have every field the query uses. */
  get formatsThatFit(): number {
    return this.fits;
  }

  /**
   * The error to raise when formats were met and none of them has a field the query uses: the one
   * that suggests a near name (a typo, most likely), else the first.
   */
  failure(): QueryError | null {
    if (this.fits > 0 || this.misses.length === 0) return null;
    return this.misses.find((e) => e.message.includes('did you mean')) ?? this.misses[0]!;
  }

  /** The plan that shapes the output: the first fitting format's, else the query checked without a schema. */
  main(): QueryPlan {
    this.first ??= this.check(null);
    return this.first;
  }

  private check(fields: LogFormat['fields']): QueryPlan {
    const typed = typecheck(this.query, fields, { now: this.now });
    return planQuery({ text: typed.text, stages: typed.stages.map((s) => s.stage) });
  }
}
