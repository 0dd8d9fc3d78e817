import type { LineBatch } from '../core/batch.js';
import type { Value } from '../core/value.js';
import { aggregateKind, createAggregate, encodeKey, GroupTable, type Aggregate } from '../aggregates/index.js';
import type { RowParser } from '../core/format.js';
import { columnName, type AggregateCall, type AggregateStage } from '../query/ast.js';
import { compileGroupKey, operandReader, readerOrMissing } from '../query/compile.js';
import type { StageMeter } from '../core/meters.js';
import type { StateShape } from './partial-codec.js';
import type { QueryPlan } from './plan.js';

export interface AggregateLimits {
  /** Values kept exactly by count_distinct / percentiles before a sketch takes over. */
  readonly distinct: number;
  readonly percentile: number;
}

type Feed = (states: unknown[], b: LineBatch, row: number) => void;
type KeyFn = (b: LineBatch, row: number) => Value;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** 99.9 -> 0.999 by moving the decimal point in the text, so no floating-point division blurs it. */
function percentToQuantile(percent: number): number {
  const text = String(percent);
  if (text.includes('e') || percent >= 100) return percent / 100;
  const [whole, fraction = ''] = text.split('.');
  return Number(`0.${whole!.padStart(2, '0')}${fraction}`);
}

export function createAggregates(stage: AggregateStage, limits: AggregateLimits): Aggregate<unknown>[] {
  return stage.aggregates.map((call) =>
    createAggregate(call.fn, {
      name: columnName(call),
      ...(call.percentile !== null ? { quantile: percentToQuantile(call.percentile) } : {}),
      exactLimit: aggregateKind(call.fn).exactLimit === 'percentile' ? limits.percentile : limits.distinct,
    }),
  );
}

/**
 * The sink of `aggregate` mode: feeds each selected record of each batch straight into the group
 * table, reading only the fields the aggregation uses. No row or record object is made per record.
 */
export class AggregateSink {
  readonly done = false;
  table: GroupTable;
  private readonly compiled = new Map<RowParser, { keys: KeyFn[]; feeds: Feed[] }>();

  constructor(
    private readonly stage: AggregateStage,
    private readonly aggregates: Aggregate<unknown>[],
    private readonly stats: StageMeter,
    maxGroups = Infinity,
  ) {
    this.table = new GroupTable(aggregates, stage.groupBy.length, stage.groupBy.map(columnName), maxGroups);
  }

  /** An empty table for the next part of the input; what was compiled per format stays. */
  reset(): void {
    this.table = new GroupTable(this.aggregates, this.stage.groupBy.length, this.stage.groupBy.map(columnName), this.table.maxGroups);
  }

  consume(b: LineBatch): void {
    const parser = b.parser!;
    let plan = this.compiled.get(parser);
    if (!plan) {
      plan = {
        keys: this.stage.groupBy.map((key) => compileGroupKey(key, parser)),
        feeds: this.stage.aggregates.map((call, i) => this.feed(call, this.aggregates[i]!, i, parser)),
      };
      this.compiled.set(parser, plan);
    }
    this.stats.begin(b.selCount);
    const { keys, feeds } = plan;
    const table = this.table;
    const sel = b.sel;
    const n = b.selCount;
    const feedCount = feeds.length;
    if (keys.length === 0) {
      const states = table.entry([]);
      for (let i = 0; i < n; i++) {
        const row = sel[i]!;
        for (let j = 0; j < feedCount; j++) feeds[j]!(states, b, row);
      }
    } else if (keys.length === 1) {
      const key = keys[0]!;
      for (let i = 0; i < n; i++) {
        const row = sel[i]!;
        const states = table.entry1(key(b, row));
        for (let j = 0; j < feedCount; j++) feeds[j]!(states, b, row);
      }
    } else {
      const tuple: Value[] = new Array(keys.length);
      for (let i = 0; i < n; i++) {
        const row = sel[i]!;
        for (let k = 0; k < keys.length; k++) tuple[k] = keys[k]!(b, row);
        const states = table.entry(tuple);
        for (let j = 0; j < feedCount; j++) feeds[j]!(states, b, row);
      }
    }
    this.stats.end(0);
  }

  private feed(call: AggregateCall, aggregate: Aggregate<unknown>, i: number, parser: RowParser): Feed {
    if (call.field === null) return (states) => void (states[i] = aggregate.add(states[i], null));
    if (call.more.length > 0) {
      // count_distinct(a, b): the combination, counted when every part is there (as SQL does).
      const readers = [call.field, ...call.more].map((op) => readerOrMissing(op, parser));
      const parts: Value[] = new Array(readers.length);
      return (states, b, row) => {
        for (let k = 0; k < readers.length; k++) {
          const v = readers[k]!.value(b, row);
          if (v === null) return;
          parts[k] = v;
        }
        states[i] = aggregate.add(states[i], encodeKey(parts));
      };
    }
    const reader = operandReader(call.field, parser);
    if (!reader) return () => {};
    // Aggregates of numbers get the reader's num(): no value boxed per row.
    if (aggregateKind(call.fn).numeric && aggregate.addNumber) {
      const addNumber = aggregate.addNumber.bind(aggregate);
      const add = aggregate.add.bind(aggregate);
      return (states, b, row) => {
        const x = reader.num(b, row);
        // An integer past 2^53 was rounded on the way to a double: take the reader's exact value.
        if ((x > MAX_SAFE || x < -MAX_SAFE) && Number.isInteger(x)) states[i] = add(states[i], reader.value(b, row));
        else states[i] = addNumber(states[i], x);
      };
    }
    return (states, b, row) => void (states[i] = aggregate.add(states[i], reader.value(b, row)));
  }
}

/**
 * How the states of a plan's aggregation are rebuilt from wire form (worker partials, follow
 * checkpoints), made the first time it is asked for: the plan is typed only once a format is met.
 */
export function lazyStateShape(plan: () => QueryPlan, limits: AggregateLimits & { readonly groups: number }): () => StateShape {
  let shape: StateShape | null = null;
  return () => {
    if (shape) return shape;
    const p = plan();
    const grouped = p.aggregate && !p.top ? p.aggregate : null;
    return (shape = {
      aggregates: grouped ? createAggregates(grouped, limits) : [],
      keyNames: grouped ? grouped.groupBy.map(columnName) : [],
      maxGroups: limits.groups,
      topLimit: limits.distinct,
    });
  };
}
