import type { Row, RowSchema } from '../core/row.js';
import { GroupTable } from '../aggregates/index.js';
import { headRows } from '../operators/head.js';
import { projectFields, projectSchema } from '../operators/fields.js';
import type { RowSink } from '../operators/row-sink.js';
import { sortRows } from '../operators/sort.js';
import { columnName, expandTop, type AggregateStage, type Stage } from '../query/ast.js';
import { compileRowPredicate } from '../query/compile.js';
import { QueryError } from '../query/errors.js';
import { createAggregates, type AggregateLimits } from './aggregate-sink.js';

export interface ChainOptions {
  readonly limits: AggregateLimits & { readonly sort: number; readonly groups: number };
  /** Told of each group table a row-phase aggregate filled, before its rows go on. */
  readonly onTable?: (table: GroupTable) => void;
  readonly warn: (message: string) => void;
  /** Makes the final sink (the output writer) once the final schema is known. */
  readonly output: (schema: RowSchema) => RowSink;
}

/**
 * Builds the row operators for `stages` over rows of `schema`, ending in the output writer.
 * An aggregate among the stages collects its rows and builds the rest of the chain when its
 * input ends, because only then is it known which of its figures became estimates.
 */
export function buildRowChain(stages: readonly Stage[], schema: RowSchema, options: ChainOptions): RowSink {
  const [stage, ...rest] = stages;
  if (!stage) return options.output(schema);
  const index = (name: string, at: number): number => {
    const i = schema.columns.indexOf(name);
    if (i < 0) throw new QueryError(`unknown column '${name}' (columns here: ${schema.columns.join(', ')})`, at);
    return i;
  };
  switch (stage.kind) {
    case 'where': {
      const keep = compileRowPredicate(stage.expr, schema.columns);
      const next = buildRowChain(rest, schema, options);
      return { row: (r: Row) => (keep(r) ? next.row(r) : true), end: () => next.end() };
    }
    case 'fields': {
      const indices = stage.fields.map((f) => index(f.name, f.start));
      return projectFields(indices, buildRowChain(rest, projectSchema(schema, indices), options));
    }
    case 'head':
      return headRows(stage.n, buildRowChain(rest, schema, options));
    case 'sort': {
      const keys = stage.keys.map((k) => ({ index: index(k.column.name, k.column.start), desc: k.descending }));
      // `sort | head N` keeps only N rows in a bounded heap.
      const following = rest[0];
      const limit = following?.kind === 'head' ? following.n : undefined;
      return sortRows(keys, buildRowChain(rest, schema, options), {
        ...(limit !== undefined ? { limit } : {}),
        maxRows: options.limits.sort,
      });
    }
    case 'aggregate':
      return aggregateRows(stage, schema, rest, options);
    case 'top':
      return buildRowChain([...expandTop(stage), ...rest], schema, options);
  }
}

/** An aggregate over rows (e.g. `count by host | count`): collect, then stream the result on. */
function aggregateRows(stage: AggregateStage, schema: RowSchema, rest: readonly Stage[], options: ChainOptions): RowSink {
  const aggregates = createAggregates(stage, options.limits);
  const table = new GroupTable(aggregates, stage.groupBy.length, stage.groupBy.map(columnName), options.limits.groups);
  const keyIndex = stage.groupBy.map((k) => {
    if (k.kind === 'bin') throw new QueryError('bin() is only for records, not after an aggregate', k.start);
    const i = schema.columns.indexOf(k.name);
    if (i < 0) throw new QueryError(`unknown column '${k.name}'`, k.start);
    return i;
  });
  const valueIndex = stage.aggregates.map((a) => {
    if (!a.field) return -1;
    const i = schema.columns.indexOf(a.field.name);
    if (i < 0) throw new QueryError(`unknown column '${a.field.name}'`, a.field.start);
    return i;
  });
  const tuple = new Array(keyIndex.length);
  return {
    row(r: Row) {
      for (let k = 0; k < keyIndex.length; k++) tuple[k] = r[keyIndex[k]!] ?? null;
      const states = table.entry(tuple);
      for (let j = 0; j < aggregates.length; j++) {
        const vi = valueIndex[j]!;
        states[j] = aggregates[j]!.add(states[j], vi < 0 ? null : (r[vi] ?? null));
      }
      return true;
    },
    end() {
      options.onTable?.(table);
      const next = buildRowChain(rest, table.schema(), options);
      for (const r of table.rows()) if (next.row(r) === false) break;
      next.end();
    },
  };
}
