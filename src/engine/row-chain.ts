import type { Row, RowSchema } from '../core/row.js';
import type { Value } from '../core/value.js';
import { encodeKey, GroupTable } from '../aggregates/index.js';
import { headEach } from '../operators/head-each.js';
import { headRows } from '../operators/head.js';
import type { RowSink } from '../operators/row-sink.js';
import { sortRows } from '../operators/sort.js';
import { columnName, expandTop, type AggregateStage, type FieldsStage, type LetStage, type ParseStage, type Stage } from '../query/ast.js';
import { compileGroupKey, compileRowPredicate, readerOrMissing } from '../query/compile.js';
import { rowScope } from '../query/compile-row.js';
import { QueryError } from '../query/errors.js';
import { extractorOf } from '../query/extract.js';
import { createAggregates, type AggregateLimits } from './aggregate-sink.js';
import { RECORD_COLUMN } from './plan.js';
import { withEmptyBins, zeroFillWidth } from './zero-fill.js';

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
    case 'fields':
      return fieldsRows(stage, schema, rest, options);
    case 'let':
      return letRows(stage, schema, rest, options);
    case 'parse':
      return parseRows(stage, schema, rest, options);
    case 'head':
      return headRows(stage.n, buildRowChain(rest, schema, options));
    case 'headEach':
      return headEach(stage.n, stage.groups, buildRowChain(rest, schema, options));
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

/** `fields a, kb = bytes / 1024`: each column a value of the row (a plain column is copied as is). */
function fieldsRows(stage: FieldsStage, schema: RowSchema, rest: readonly Stage[], options: ChainOptions): RowSink {
  const scope = rowScope(schema.columns);
  const getters = stage.fields.map((item) => {
    const value = item.value;
    if (value.kind === 'field') {
      const i = schema.columns.indexOf(value.name);
      if (i >= 0) return (r: Row): Value => r[i] ?? null;
    }
    const reader = readerOrMissing(value, scope);
    return (r: Row): Value => reader.value(r, 0);
  });
  const plain = stage.fields.map((item) => (item.value.kind === 'field' ? schema.columns.indexOf(item.value.name) : -1));
  const columns = stage.fields.map((item) => item.name);
  // Estimates carry over to columns copied as they are.
  const estimates: Record<string, string> = {};
  plain.forEach((i, k) => {
    const error = i >= 0 ? schema.estimates?.[schema.columns[i]!] : undefined;
    if (error !== undefined) estimates[columns[k]!] = error;
  });
  const next = buildRowChain(rest, { columns, estimates }, options);
  const width = getters.length;
  return {
    row(r: Row) {
      const out: Row = new Array(width);
      for (let k = 0; k < width; k++) out[k] = getters[k]!(r);
      return next.row(out);
    },
    end: () => next.end(),
  };
}

/**
 * The columns with `names` set: existing ones replaced in place, new ones added before the hidden
 * record column (which stays last), so later stages and writers find everything where they expect.
 */
function withNames(schema: RowSchema, names: readonly string[]): { schema: RowSchema; at: number[] } {
  const columns = [...schema.columns];
  const at = names.map((name) => {
    const i = columns.indexOf(name);
    if (i >= 0) return i;
    const record = columns.indexOf(RECORD_COLUMN);
    if (record < 0) return columns.push(name) - 1;
    columns.splice(record, 0, name);
    return record;
  });
  return { schema: { ...schema, columns }, at };
}

/** Copies a row into the widened shape: old cells moved past any inserted column. */
function widen(from: RowSchema, to: RowSchema): (r: Row) => Row {
  const map = from.columns.map((name) => to.columns.indexOf(name));
  const width = to.columns.length;
  return (r) => {
    const out: Row = new Array(width).fill(null);
    for (let i = 0; i < map.length; i++) out[map[i]!] = r[i] ?? null;
    return out;
  };
}

/** `let kb = bytes / 1024` over rows: a new (or replaced) column. */
function letRows(stage: LetStage, schema: RowSchema, rest: readonly Stage[], options: ChainOptions): RowSink {
  const reader = readerOrMissing(stage.value, rowScope(schema.columns));
  const { schema: out, at } = withNames(schema, [stage.name]);
  const copy = widen(schema, out);
  const target = at[0]!;
  const next = buildRowChain(rest, out, options);
  return {
    row(r: Row) {
      const value = reader.value(r, 0);
      const wide = copy(r);
      wide[target] = value;
      return next.row(wide);
    },
    end: () => next.end(),
  };
}

/** `parse ... from x` over rows: the captures as columns; rows that do not match dropped unless nodrop. */
function parseRows(stage: ParseStage, schema: RowSchema, rest: readonly Stage[], options: ChainOptions): RowSink {
  const extractor = extractorOf(stage);
  const from = readerOrMissing(stage.from, rowScope(schema.columns));
  const { schema: out, at } = withNames(schema, stage.names);
  const copy = widen(schema, out);
  const next = buildRowChain(rest, out, options);
  return {
    row(r: Row) {
      const text = from.str(r, 0);
      const found = text === undefined ? null : extractor.exec(text);
      if (found === null && !stage.nodrop) return true;
      const wide = copy(r);
      for (let k = 0; k < at.length; k++) wide[at[k]!] = found?.[k] ?? null;
      return next.row(wide);
    },
    end: () => next.end(),
  };
}

/** An aggregate over rows (e.g. `count by host | count`): collect, then stream the result on. */
function aggregateRows(stage: AggregateStage, schema: RowSchema, rest: readonly Stage[], options: ChainOptions): RowSink {
  const aggregates = createAggregates(stage, options.limits);
  const table = new GroupTable(aggregates, stage.groupBy.length, stage.groupBy.map(columnName), options.limits.groups);
  const scope = rowScope(schema.columns);
  const keys = stage.groupBy.map((k) => compileGroupKey(k, scope));
  const values = stage.aggregates.map((a) => {
    if (!a.field) return () => null;
    const readers = [a.field, ...a.more].map((op) => readerOrMissing(op, scope));
    if (readers.length === 1) {
      const reader = readers[0]!;
      return (r: Row): Value => reader.value(r, 0);
    }
    // count_distinct(a, b): the combination, when every part is there.
    return (r: Row): Value => {
      const parts = readers.map((reader) => reader.value(r, 0));
      return parts.includes(null) ? null : encodeKey(parts);
    };
  });
  const tuple: Value[] = new Array(keys.length);
  return {
    row(r: Row) {
      for (let k = 0; k < keys.length; k++) tuple[k] = keys[k]!(r, 0);
      const states = table.entry(tuple);
      for (let j = 0; j < aggregates.length; j++) states[j] = aggregates[j]!.add(states[j], values[j]!(r));
      return true;
    },
    end() {
      options.onTable?.(table);
      const next = buildRowChain(rest, table.schema(), options);
      for (const r of aggregatedRows(stage, table, rest, options)) if (next.row(r) === false) break;
      next.end();
    },
  };
}

/** The rows of an aggregate's table, with empty time buckets filled in when a sort by the bucket follows. */
export function aggregatedRows(stage: AggregateStage, table: GroupTable, rest: readonly Stage[], options: Pick<ChainOptions, 'warn'>): Iterable<Row> {
  const width = zeroFillWidth(stage, rest);
  return width === null ? table.rows() : withEmptyBins([...table.rows()], width, table.aggregates, options.warn);
}
