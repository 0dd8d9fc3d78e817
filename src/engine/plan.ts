import type { AggregateStage, Expr, LetStage, ParseStage, Query, Stage, TopStage } from '../query/ast.js';
import type { SortKey } from '../operators/compare.js';
import type { RowShape } from './collect.js';
import type { OutputKind } from './spec.js';
import { expandTop } from '../query/ast.js';
import { forEachStageField } from '../query/typecheck.js';

/** A step of the record phase, run on batches before any row exists. */
export type RecordStep =
  | { kind: 'where'; expr: Expr }
  | { kind: 'head'; n: number }
  | { kind: 'extend'; stage: LetStage | ParseStage };

/** `top N field` fed from batches: counted by a bounded heavy-hitters counter, not a group table. */
export interface TopPlan {
  readonly n: number;
  readonly field: TopStage['field'];
}

/**
 * How a query runs, split at its first stage that needs more than a filter:
 * - `lines`: only filters and heads: the sink prints original lines (or records as JSON);
 * - `aggregate`: the first non-filter stage aggregates: batches feed a group table directly,
 *   with no row object per record; later stages run on the (few) result rows;
 * - `rows`: the first non-filter stage is `fields` or `sort`: each surviving record becomes a
 *   row of just the fields later stages use, streamed into the row operators.
 */
export interface QueryPlan {
  readonly recordSteps: readonly RecordStep[];
  readonly mode: 'lines' | 'aggregate' | 'rows';
  /** In `aggregate` mode: the aggregation fed from batches (for `top`, the count it stands for). */
  readonly aggregate: AggregateStage | null;
  /** In `aggregate` mode when the aggregation is `top N field`. */
  readonly top: TopPlan | null;
  /** Stages that run on rows, after the aggregation or the materialisation. */
  readonly rowStages: readonly Stage[];
}

export function planQuery(query: Query): QueryPlan {
  const stages = query.stages;
  const recordSteps: RecordStep[] = [];
  let i = 0;
  for (; i < stages.length; i++) {
    const stage = stages[i]!;
    if (stage.kind === 'where') recordSteps.push({ kind: 'where', expr: stage.expr });
    else if (stage.kind === 'head') recordSteps.push({ kind: 'head', n: stage.n });
    else if (stage.kind === 'let' || stage.kind === 'parse') recordSteps.push({ kind: 'extend', stage });
    else break;
  }
  const boundary = stages[i];
  if (!boundary) return { recordSteps, mode: 'lines', aggregate: null, top: null, rowStages: [] };
  if (boundary.kind === 'aggregate') {
    return { recordSteps, mode: 'aggregate', aggregate: boundary, top: null, rowStages: stages.slice(i + 1) };
  }
  if (boundary.kind === 'top' && boundary.by.length > 0) {
    // Top N within each group: count every (group, value), then keep each group's N.
    const [count, headEach] = expandTop(boundary) as [AggregateStage, Stage];
    return { recordSteps, mode: 'aggregate', aggregate: count, top: null, rowStages: [headEach, ...stages.slice(i + 1)] };
  }
  if (boundary.kind === 'top') {
    const count = expandTop(boundary)[0] as AggregateStage;
    const top = { n: boundary.n, field: boundary.field };
    return { recordSteps, mode: 'aggregate', aggregate: count, top, rowStages: stages.slice(i + 1) };
  }
  return { recordSteps, mode: 'rows', aggregate: null, top: null, rowStages: stages.slice(i) };
}

/** The hidden last column that carries a whole record (its line, or its JSON) through row stages. */
export const RECORD_COLUMN = '\u0000record';

/**
 * What the record phase of a plan collects, for a given output kind:
 * - `raw`: original lines through heads only: nothing is parsed (logsift is then cat or head);
 * - `lines`: original lines of the records that pass the filters;
 * - `records`: whole records of a filter, as JSON text (`json`) or as rows of the format's fields;
 * - `aggregate`: a group table or a top counter;
 * - `rows`: a row per record, of the fields the row stages read, streamed into them;
 * - `topRows`: the same, when the row stages start with `sort ... | head N`: each pass keeps its
 *   own top N (a bounded heap), and the heaps merge.
 */
export type CollectorPlan =
  | { readonly kind: 'raw' }
  | { readonly kind: 'lines' }
  | { readonly kind: 'records'; readonly json: boolean }
  | { readonly kind: 'aggregate' }
  | { readonly kind: 'rows'; readonly shape: RowShape & { kind: 'fields' }; readonly columns: readonly string[] }
  | {
      readonly kind: 'topRows';
      readonly shape: RowShape & { kind: 'fields' };
      readonly columns: readonly string[];
      readonly keys: readonly SortKey[];
      readonly n: number;
    };

export function collectorPlan(plan: QueryPlan, output: OutputKind): CollectorPlan {
  switch (plan.mode) {
    case 'lines':
      if (output === 'auto') return plan.recordSteps.every((s) => s.kind === 'head') ? { kind: 'raw' } : { kind: 'lines' };
      return { kind: 'records', json: output === 'json' || output === 'ndjson' };
    case 'aggregate':
      return { kind: 'aggregate' };
    case 'rows': {
      const fields = rowStageFields(plan.rowStages);
      const keepsLine = !rowStagesProject(plan.rowStages);
      const line = keepsLine ? (output === 'json' || output === 'ndjson' ? 'json' : 'text') : null;
      const shape = { kind: 'fields', fields, line } as const;
      const columns = keepsLine ? [...fields, RECORD_COLUMN] : fields;
      const [first, second] = plan.rowStages;
      if (first?.kind === 'sort' && second?.kind === 'head') {
        const keys = first.keys.map((k) => ({ index: columns.indexOf(k.column.name), desc: k.descending }));
        if (keys.every((k) => k.index >= 0)) return { kind: 'topRows', shape, columns, keys, n: second.n };
      }
      return { kind: 'rows', shape, columns };
    }
  }
}

/** Record fields the row stages read (before any aggregate among them renames the columns), in order. */
export function rowStageFields(stages: readonly Stage[]): string[] {
  const names: string[] = [];
  forEachStageField(stages, true, (ref) => {
    if (!names.includes(ref.name)) names.push(ref.name);
  });
  return names;
}

/** True when a stage among these replaces records by new columns (so original lines are gone). */
export function rowStagesProject(stages: readonly Stage[]): boolean {
  return stages.some((s) => s.kind === 'fields' || s.kind === 'aggregate' || s.kind === 'top');
}
