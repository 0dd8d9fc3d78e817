/**
 * Operands as FieldReaders: a field is its format's reader; a literal, a calculation
 * (`bytes / 1024`), a function call (`lower(agent)`), an element (`split(path, "/")[1]`) or a
 * condition used as a value is a reader computed from the readers it reads. Everything that
 * takes a field (comparisons, group keys, aggregate arguments, new fields) takes any operand
 * this way, through one code path, in both phases (batches of records, rows after an aggregate).
 *
 * Computed readers keep the hot path's habits: `num` of a calculation is arithmetic on the
 * inputs' `num` (no value boxed), and a call's argument array is reused from row to row.
 */
import type { FieldReader, FieldType, ReaderScope } from '../core/format.js';
import { Instant, type Value } from '../core/value.js';
import { renderOperand, type ArithExpr, type CallExpr, type IndexExpr, type Operand } from './ast.js';
import { compilePredicate } from './compile-predicate.js';
import { valueFunction, type ValueType } from './functions.js';
import { jsonList, listElement } from './lists.js';
import { literalValue, toNumber, toText } from './semantics.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The reader of an operand; undefined only for a field that no row here can have (callers
 * treat that as missing everywhere). Inside a calculation such a field reads as missing.
 */
export function operandReader<B>(op: Operand, scope: ReaderScope<B>): FieldReader<B> | undefined {
  switch (op.kind) {
    case 'field':
      return scope.reader(op.name, op.start);
    case 'string':
    case 'number':
    case 'bool':
    case 'time':
      return constantReader(renderOperand(op), literalValue(op));
    case 'arith':
      return arithReader(op, scope);
    case 'call':
      return callReader(op, scope);
    case 'index':
      return indexReader(op, scope);
    case 'cond': {
      const test = compilePredicate(op.expr, scope);
      return valueReader<B>(renderOperand(op), 'any', (b, row) => test(b, row));
    }
  }
}

/** A reader that is never undefined: a field no row has reads as missing. */
function inputReader<B>(op: Operand, scope: ReaderScope<B>): FieldReader<B> {
  return operandReader(op, scope) ?? constantReader<B>(renderOperand(op), null);
}

/** The static type of a reader's values as functions see it. */
function valueType(reader: FieldReader<unknown>, op: Operand): ValueType {
  return op.kind === 'cond' || op.kind === 'bool' ? 'bool' : reader.type;
}

export function constantReader<B>(name: string, value: Value): FieldReader<B> {
  const type: FieldType = typeof value === 'number' || typeof value === 'bigint' ? 'number' : typeof value === 'string' ? 'string' : value instanceof Instant ? 'time' : 'any';
  const text = toText(value);
  const x = toNumber(value);
  return { name, type, str: () => text, num: () => x, value: () => value };
}

/** A reader over a function of the row: text and number derived from the value. */
function valueReader<B>(name: string, type: FieldType, value: (b: B, row: number) => Value): FieldReader<B> {
  return {
    name,
    type,
    value,
    str: (b, row) => toText(value(b, row)),
    num: (b, row) => toNumber(value(b, row)),
  };
}

// --- arithmetic -------------------------------------------------------------------------------

type NumberOp = (x: number, y: number) => number;

/**
 * `/` and `%` by zero give a missing value (as SQL's NULL), not Infinity: a row with no
 * requests should not become an infinite rate that sorts first.
 *
 * `/` of two whole numbers is a whole number, truncated, as in SQL and KQL: `count by status /
 * 100` groups 2xx, 3xx, 4xx, 5xx. A number written with a point (`bytes / 1024.0`) asks for the
 * fraction.
 */
const NUMBER_OPS: Readonly<Record<ArithExpr['op'], NumberOp>> = {
  '+': (x, y) => x + y,
  '-': (x, y) => x - y,
  '*': (x, y) => x * y,
  '/': (x, y) => (y === 0 ? NaN : Number.isInteger(x) && Number.isInteger(y) ? Math.trunc(x / y) : x / y),
  '%': (x, y) => (y === 0 ? NaN : x % y),
};

const FRACTION_DIVIDE: NumberOp = (x, y) => (y === 0 ? NaN : x / y);

/** A number literal written as a fraction or with an exponent (`1024.0`, `1e3`). */
function writtenAsFraction(op: Operand): boolean {
  return op.kind === 'number' && /[.eE]/.test(op.text);
}

function arithReader<B>(expr: ArithExpr, scope: ReaderScope<B>): FieldReader<B> {
  const l = inputReader(expr.left, scope);
  const r = inputReader(expr.right, scope);
  const name = renderOperand(expr);
  // `+` of two texts joins them ("a" + host); every other calculation is on numbers.
  if (expr.op === '+' && l.type === 'string' && r.type === 'string') {
    return valueReader(name, 'string', (b, row) => {
      const x = l.str(b, row);
      const y = r.str(b, row);
      return x === undefined || y === undefined ? null : x + y;
    });
  }
  if (expr.op === '+' && (l.type === 'any' || r.type === 'any') && l.type !== 'number' && r.type !== 'number' && l.type !== 'time' && r.type !== 'time') {
    // Types known only per value (JSON fields, rows after an aggregate): two strings join, as
    // the checker lets two string fields do; anything else adds as numbers.
    const numeric = numericArith(expr, l, r, NUMBER_OPS['+'], name);
    return valueReader(name, 'any', (b, row) => {
      const x = l.value(b, row);
      const y = r.value(b, row);
      return typeof x === 'string' && typeof y === 'string' ? x + y : numeric.value(b, row);
    });
  }
  const f = expr.op === '/' && (writtenAsFraction(expr.left) || writtenAsFraction(expr.right)) ? FRACTION_DIVIDE : NUMBER_OPS[expr.op];
  return numericArith(expr, l, r, f, name);
}

function numericArith<B>(expr: ArithExpr, l: FieldReader<B>, r: FieldReader<B>, f: NumberOp, name: string): FieldReader<B> {
  const num = (b: B, row: number): number => f(l.num(b, row), r.num(b, row));
  return {
    name,
    type: 'number',
    num,
    str: (b, row) => {
      const x = num(b, row);
      return x === x ? String(x) : undefined;
    },
    value: (b, row) => {
      const x = l.num(b, row);
      const y = r.num(b, row);
      const z = f(x, y);
      if (z !== z) return null;
      // Integers past 2^53 (ids, byte totals) stay exact where the inputs were exact integers:
      // doubles there are rounded, in the inputs or in the result.
      if (Number.isInteger(x) && Number.isInteger(y) && (x > MAX_SAFE || x < -MAX_SAFE || y > MAX_SAFE || y < -MAX_SAFE || z > MAX_SAFE || z < -MAX_SAFE)) {
        const exact = f === FRACTION_DIVIDE ? null : exactArith(expr.op, l.value(b, row), r.value(b, row));
        if (exact !== null) return exact;
      }
      return z;
    },
  };
}

function exactArith(op: ArithExpr['op'], a: Value, b: Value): bigint | null {
  const x = typeof a === 'bigint' ? a : typeof a === 'number' && Number.isInteger(a) ? BigInt(a) : null;
  const y = typeof b === 'bigint' ? b : typeof b === 'number' && Number.isInteger(b) ? BigInt(b) : null;
  if (x === null || y === null) return null;
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '%':
      return y === 0n ? null : x % y;
    case '/':
      return y === 0n ? null : x / y; // bigint division truncates, as `/` of whole numbers does
  }
}

// --- calls and elements -------------------------------------------------------------------------

/** Start of the time the query runs at, for `now()` when the type checker did not fix it. */
const PROCESS_NOW = Date.now();

function callReader<B>(call: CallExpr, scope: ReaderScope<B>): FieldReader<B> {
  const fn = valueFunction(call.fn);
  if (!fn) throw new RangeError(`unknown function ${call.fn}`);
  const args = call.args.map((a) => inputReader(a, scope));
  const typed = fn.type(args.map((a, i) => valueType(a, call.args[i]!)));
  const type: FieldType = typeof typed === 'string' && typed !== 'bool' ? typed : 'any';
  const name = renderOperand(call);
  const scratch: Value[] = new Array(args.length);
  const n = args.length;
  // One argument is by far the commonest shape (lower(agent), len(path)): no loop.
  if (n === 1) {
    const a = args[0]!;
    return valueReader(name, type, (b, row) => {
      scratch[0] = a.value(b, row);
      return fn.call(scratch, PROCESS_NOW);
    });
  }
  return valueReader(name, type, (b, row) => {
    for (let i = 0; i < n; i++) scratch[i] = args[i]!.value(b, row);
    return fn.call(scratch, PROCESS_NOW);
  });
}

/**
 * `list[i]`. `split(x, sep)[i]` is read straight from the split text (no JSON made and read
 * back), since it is the common way to take a path segment or a key's part.
 */
function indexReader<B>(expr: IndexExpr, scope: ReaderScope<B>): FieldReader<B> {
  const index = inputReader(expr.index, scope);
  const name = renderOperand(expr);
  const target = expr.target;
  if (target.kind === 'call' && target.fn === 'split' && target.args.length === 2) {
    const text = inputReader(target.args[0]!, scope);
    const sep = inputReader(target.args[1]!, scope);
    return valueReader(name, 'string', (b, row) => {
      const s = text.str(b, row);
      const by = sep.str(b, row);
      if (s === undefined || by === undefined) return null;
      return listElement(by === '' ? [...s] : s.split(by), index.num(b, row));
    });
  }
  const list = inputReader(target, scope);
  return valueReader(name, 'any', (b, row) => listElement(jsonList(list.value(b, row)), index.num(b, row)));
}
