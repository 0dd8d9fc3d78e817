import type { FieldType } from '../core/format.js';
import type { Aggregate, AggregateOptions } from './aggregate.js';
import { avgAggregate } from './avg.js';
import { countDistinctAggregate } from './count-distinct.js';
import { countAggregate } from './count.js';
import { maxAggregate } from './max.js';
import { minAggregate } from './min.js';
import { keptValueAggregate } from './first-last.js';
import { percentileAggregate } from './percentile.js';
import { stddevAggregate } from './stddev.js';
import { sumAggregate } from './sum.js';

/**
 * Everything the rest of logsift knows about one aggregate function, in one place: its name in
 * queries, what it takes, how its result is typed, whether the engine may feed it raw numbers,
 * and how to make it. The parser, the type checker, the planner and the engine all read this
 * table: adding an aggregate is one entry here plus its own file.
 */
export interface AggregateKind {
  /** The name in queries and in the AST (`percentile` is written pNN). */
  readonly name: string;
  /** `nothing` (count), one value, or one or more (count_distinct over combinations). */
  readonly takes: 'nothing' | 'field' | 'fields';
  /** Which limit bounds its exact state before a sketch takes over (--percentile-limit, --distinct-limit). */
  readonly exactLimit?: 'percentile' | 'distinct';
  /**
   * The result's type for an argument of `argType` (null for count), or why that argument does not
   * fit; `label` is the function as written (`p99`), `argName` the field.
   */
  check(argType: FieldType | null, argName: string, label: string): { readonly type: FieldType } | { readonly error: string };
  /** Fed numbers straight from readers (`addNumber`), no value boxed per record. */
  readonly numeric: boolean;
  create(options: AggregateOptions): Aggregate<unknown>;
}

const numberResult = (): { type: FieldType } => ({ type: 'number' });

/** Arguments that must be numbers: sum, avg, percentiles. */
function needsNumber(type: FieldType | null, name: string, label: string): { type: FieldType } | { error: string } {
  return type === null || type === 'number' || type === 'any'
    ? { type: 'number' }
    : { error: `${label} needs a number, but ${name} is a ${type} field` };
}

/** first, last, sample: any value, typed as it is. */
function asIs(type: FieldType | null): { type: FieldType } {
  return { type: type ?? 'any' };
}

/** min and max: numbers, times, or dynamic values; not plain strings. */
function ordered(type: FieldType | null, name: string, label: string): { type: FieldType } | { error: string } {
  return type === 'string' ? { error: `${label} needs a number or a time, but ${name} is a string field` } : { type: type ?? 'any' };
}

export const AGGREGATE_KINDS: readonly AggregateKind[] = [
  { name: 'count', takes: 'nothing', check: numberResult, numeric: true, create: (o) => erase(countAggregate(o.name)) },
  { name: 'sum', takes: 'field', check: needsNumber, numeric: true, create: (o) => erase(sumAggregate(o.name)) },
  { name: 'avg', takes: 'field', check: needsNumber, numeric: true, create: (o) => erase(avgAggregate(o.name)) },
  { name: 'min', takes: 'field', check: ordered, numeric: false, create: (o) => erase(minAggregate(o.name)) },
  { name: 'max', takes: 'field', check: ordered, numeric: false, create: (o) => erase(maxAggregate(o.name)) },
  {
    name: 'count_distinct',
    takes: 'fields',
    check: numberResult,
    numeric: false,
    exactLimit: 'distinct',
    create: (o) => erase(countDistinctAggregate(o.name, o.exactLimit)),
  },
  {
    name: 'percentile',
    takes: 'field',
    check: needsNumber,
    numeric: true,
    exactLimit: 'percentile',
    create: (o) => {
      if (o.quantile === undefined) throw new RangeError(`${o.name}: percentile needs a quantile`);
      return erase(percentileAggregate(o.name, o.quantile, o.exactLimit));
    },
  },
  // The median is p50 under the name people use; its column is median(x).
  {
    name: 'median',
    takes: 'field',
    check: needsNumber,
    numeric: true,
    exactLimit: 'percentile',
    create: (o) => erase(percentileAggregate(o.name, 0.5, o.exactLimit)),
  },
  { name: 'stddev', takes: 'field', check: needsNumber, numeric: true, create: (o) => erase(stddevAggregate(o.name)) },
  { name: 'first', takes: 'field', check: asIs, numeric: false, create: (o) => erase(keptValueAggregate(o.name, 'first')) },
  { name: 'last', takes: 'field', check: asIs, numeric: false, create: (o) => erase(keptValueAggregate(o.name, 'last')) },
  { name: 'sample', takes: 'field', check: asIs, numeric: false, create: (o) => erase(keptValueAggregate(o.name, 'first')) },
];

const BY_NAME = new Map(AGGREGATE_KINDS.map((k) => [k.name, k]));
const PERCENTILE = /^p(\d+(?:\.\d+)?)$/i;

/** The aggregate a word of a query names (`sum`, `P99.9`), with the percentile it spells; else null. */
export function aggregateNamed(word: string): { readonly kind: AggregateKind; readonly percentile: number | null } | null {
  const p = PERCENTILE.exec(word);
  if (p) return { kind: BY_NAME.get('percentile')!, percentile: Number(p[1]) };
  const kind = BY_NAME.get(word.toLowerCase());
  return kind && kind.name !== 'percentile' ? { kind, percentile: null } : null;
}

/** The aggregate of an AST node's `fn`. */
export function aggregateKind(fn: string): AggregateKind {
  const kind = BY_NAME.get(fn);
  if (!kind) throw new RangeError(`unknown aggregate function: ${fn}`);
  return kind;
}

/** The names a user can write, for messages: count, sum, ..., pNN. */
export function aggregateNames(): string {
  return AGGREGATE_KINDS.map((k) => (k.name === 'percentile' ? 'pNN' : k.name)).join(', ');
}

/**
 * Forgets the state type: the engine only passes states back to the aggregate that made them,
 * so it never needs to know what they are.
 */
function erase<S>(aggregate: Aggregate<S>): Aggregate<unknown> {
  return aggregate as unknown as Aggregate<unknown>;
}
