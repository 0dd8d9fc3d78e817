/**
 * The functions a query may call on values (`lower(agent)`, `substr(path, 0, 4)`, `if(c, a, b)`),
 * in one table read by the parser (names), the type checker (arguments and result types) and the
 * compiler (what each computes). Aggregates are elsewhere (aggregates/registry.ts).
 *
 * Missing values propagate: a function of a missing (null) argument is missing, except
 * `coalesce` and `if`, whose point is to choose.
 */
import type { FieldType } from '../core/format.js';
import { Instant, type Value } from '../core/value.js';
import { jsonList } from './lists.js';
import { toNumber, toText } from './semantics.js';

/** A type as the checker sees values: a field type, or a condition's boolean. */
export type ValueType = FieldType | 'bool';

export interface ValueFunction {
  readonly name: string;
  /** Fewest and most arguments. */
  readonly arity: readonly [number, number];
  /** The result's type for arguments of these types, or why they do not fit. */
  type(args: readonly ValueType[]): ValueType | { readonly error: string };
  call(args: readonly Value[], now: number): Value;
}

const text = (v: Value): string | undefined => toText(v ?? null);
const notTime = (fn: string, position: string) => (t: ValueType): string | null =>
  t === 'time' ? `${fn} takes text as its ${position} argument, not a time` : null;

/** `lower`, `upper`: text to text. */
function caseFunction(name: string, map: (s: string) => string): ValueFunction {
  return {
    name,
    arity: [1, 1],
    type: ([t]) => (notTime(name, 'first')(t!) ? { error: notTime(name, 'first')(t!)! } : 'string'),
    call: ([v]) => {
      const s = text(v ?? null);
      return s === undefined ? null : map(s);
    },
  };
}

export const FUNCTIONS: readonly ValueFunction[] = [
  caseFunction('lower', (s) => s.toLowerCase()),
  caseFunction('upper', (s) => s.toUpperCase()),
  {
    name: 'len',
    arity: [1, 1],
    type: () => 'number',
    call: ([v]) => {
      if (v === null || v === undefined) return null;
      const list = jsonList(v);
      if (list) return list.length;
      const s = text(v);
      return s === undefined ? null : s.length;
    },
  },
  {
    name: 'substr',
    arity: [2, 3],
    type: ([, start, length]) =>
      start === 'string' || length === 'string' ? { error: 'substr takes numbers for its start and length' } : 'string',
    call: ([v, start, length]) => {
      const s = text(v ?? null);
      const from = toNumber(start ?? null);
      if (s === undefined || from !== from) return null;
      const begin = from < 0 ? Math.max(0, s.length + from) : Math.min(s.length, Math.trunc(from));
      if (length === undefined) return s.slice(begin);
      const n = toNumber(length);
      return n !== n ? null : s.slice(begin, begin + Math.max(0, Math.trunc(n)));
    },
  },
  {
    name: 'replace',
    arity: [3, 3],
    type: () => 'string',
    call: ([v, from, to]) => {
      const s = text(v ?? null);
      const a = text(from ?? null);
      const b = text(to ?? null);
      return s === undefined || a === undefined || b === undefined || a === '' ? (s ?? null) : s.replaceAll(a, b);
    },
  },
  {
    name: 'split',
    arity: [2, 2],
    type: () => 'string',
    // A list is JSON text, as JSON logs write arrays: `[i]`, len() and contains read it.
    call: ([v, sep]) => {
      const s = text(v ?? null);
      const by = text(sep ?? null);
      return s === undefined || by === undefined ? null : JSON.stringify(by === '' ? [...s] : s.split(by));
    },
  },
  {
    name: 'if',
    arity: [3, 3],
    type: ([cond, a, b]) => (cond !== 'bool' && cond !== 'any' ? { error: 'if takes a condition first, e.g. if(status >= 500, "error", "ok")' } : a === b ? a! : 'any'),
    call: ([cond, a, b]) => (cond === true ? (a ?? null) : (b ?? null)),
  },
  {
    name: 'coalesce',
    arity: [1, Infinity],
    type: (args) => (args.every((t) => t === args[0]) ? args[0]! : 'any'),
    call: (args) => args.find((v) => v !== null && v !== undefined) ?? null,
  },
  {
    name: 'now',
    arity: [0, 0],
    type: () => 'time',
    call: (_args, now) => new Instant(now, 0),
  },
];

const BY_NAME = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function valueFunction(name: string): ValueFunction | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export function functionNames(): string {
  return FUNCTIONS.map((f) => f.name).join(', ');
}
