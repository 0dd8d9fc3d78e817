import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldSpec } from '../src/core/format.js';
import { QueryError } from '../src/query/errors.js';
import { parseQuery } from '../src/query/parser.js';
import { neededFields, typecheck, type TypedQuery } from '../src/query/typecheck.js';

/** An access-log-like schema. */
const ACCESS: readonly FieldSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'time', type: 'time' },
  { name: 'method', type: 'string' },
  { name: 'path', type: 'string' },
  { name: 'status', type: 'number' },
  { name: 'bytes', type: 'number' },
  { name: 'agent', type: 'string' },
];

function check(query: string, fields: readonly FieldSpec[] | null = ACCESS): TypedQuery {
  return typecheck(parseQuery(query), fields);
}

function typeError(query: string, fields: readonly FieldSpec[] | null = ACCESS): [string, number] {
  try {
    check(query, fields);
  } catch (e) {
    if (e instanceof QueryError) return [e.message, e.column];
    throw e;
  }
  assert.fail(`expected a QueryError for ${query}`);
}

test('unknown field: a close name is suggested', () => {
  assert.deepEqual(typeError('stauts >= 500'), ["unknown field 'stauts' (did you mean 'status'?)", 0]);
  assert.deepEqual(typeError('count by hots'), ["unknown field 'hots' (did you mean 'host'?)", 9]);
  assert.deepEqual(typeError('sum(byte)'), ["unknown field 'byte' (did you mean 'bytes'?)", 4]);
  assert.deepEqual(typeError('status == 1 | fields Path'), ["unknown field 'Path' (did you mean 'path'?)", 21]);
});

test('unknown field: a far name lists the known fields instead', () => {
  assert.deepEqual(typeError('referer contains "x"'), [
    "unknown field 'referer' (known fields: host, time, method, path, status, bytes, agent)", 0,
  ]);
});

test('after an aggregate only its columns exist', () => {
  assert.deepEqual(typeError('count by status | sort bytes'), [
    "unknown column 'bytes' (columns after the aggregate: status, count)", 23,
  ]);
  assert.deepEqual(typeError('count by status | sort cuont desc'), ["unknown column 'cuont' (did you mean 'count'?)", 23]);
  assert.deepEqual(typeError('count by status | where host == "a"')[1], 24);
  assert.deepEqual(typeError('top 3 path | fields status')[0], "unknown column 'status' (columns after the aggregate: path, count)");
});

test('after fields only the kept fields exist', () => {
  assert.deepEqual(typeError('fields host | where status == 1'), ["unknown field 'status' (fields kept by 'fields': host)", 20]);
});

test('aggregate columns can be used after the aggregate, not before', () => {
  const t = check('count, sum(bytes) by status | where count > 10 and sum(bytes) >= 1000 | sort count desc, SUM(bytes) | head 5');
  assert.deepEqual(t.stages.map((s) => s.input), ['record', 'row', 'row', 'row']);
  assert.deepEqual(t.columns, [
    { name: 'status', type: 'number' }, { name: 'count', type: 'number' }, { name: 'sum(bytes)', type: 'number' },
  ]);
  assert.deepEqual(typeError('sum(bytes) > 5'), ["'sum(bytes)' is an aggregate column: it exists only after an aggregate stage", 0]);
  assert.deepEqual(typeError('count() > 5', null)[1], 0);
});

test('COUNT in later stages names the count column', () => {
  const t = check('count by host | sort COUNT desc | where Count > 1');
  const sort = t.stages[1]!.stage;
  assert.ok(sort.kind === 'sort');
  assert.equal(sort.keys[0]!.column.name, 'count');
});

test('aggregate argument types', () => {
  assert.deepEqual(typeError('sum(host)'), ['sum needs a number, but host is a string field', 4]);
  assert.deepEqual(typeError('avg(time)'), ['avg needs a number, but time is a time field', 4]);
  assert.deepEqual(typeError('count, p99.9(path) by host'), ['p99.9 needs a number, but path is a string field', 13]);
  assert.deepEqual(typeError('max(agent)'), ['max needs a number or a time, but agent is a string field', 4]);
  const t = check('min(time), max(bytes), count_distinct(host), avg(bytes), p50(bytes)');
  assert.deepEqual(t.columns, [
    { name: 'min(time)', type: 'time' }, { name: 'max(bytes)', type: 'number' }, { name: 'count_distinct(host)', type: 'number' },
    { name: 'avg(bytes)', type: 'number' }, { name: 'p50(bytes)', type: 'number' },
  ]);
});

test('group keys: fields keep their type, bins are times over time fields', () => {
  const t = check('count by method, bin(time, 5m)');
  assert.deepEqual(t.columns, [
    { name: 'method', type: 'string' }, { name: 'bin(time,5m)', type: 'time' }, { name: 'count', type: 'number' },
  ]);
  assert.deepEqual(typeError('count by bin(bytes, 5m)'), ['bin with a time width needs a time field, but bytes is a number field', 13]);
});

test('duplicate columns are refused', () => {
  assert.deepEqual(typeError('count, count by host'), ["duplicate column 'count'", 7]);
  assert.deepEqual(typeError('fields host, host'), ["duplicate column 'host'", 13]);
});

test('comparing a string field with a number is an error; number and any fields are fine', () => {
  assert.deepEqual(typeError('host > 5'), [
    'host is a string field and cannot be compared with the number 5; quote it ("5") to compare text', 7,
  ]);
  assert.deepEqual(typeError('host in ("a", 5)')[1], 14);
  check('status >= 500');
  check('status == "200"'); // equality on the text is allowed
  assert.deepEqual(typeError('status < "300"'), ['status is a number field: write 300 without quotes', 9]);
  assert.deepEqual(typeError('status < "abc"'), ['status is a number field: compare it with a number', 9]);
  assert.deepEqual(typeError('status == true'), ['status is a number field, not true/false', 10]);
  check('host > 5', null);
});

test('text operators need strings', () => {
  assert.deepEqual(typeError('path contains 5'), ['contains needs a string: write "5"', 14]);
  check('status startswith "5"');
});

test('a typed field alone is not a condition; a dynamic one is', () => {
  assert.deepEqual(typeError('status'), ['status is a number field, not a condition: compare it with a value (e.g. status == ...)', 0]);
  check('ok and not deleted', null);
});

test('time literals: ISO-8601 and CLF become instants; anything else is a type error', () => {
  const t = check('time >= "2015-05-17T10:00:00Z" and time < "17/May/2015:12:00:00 +0200" or "2015-05-17" <= time');
  const w = t.stages[0]!.stage;
  assert.ok(w.kind === 'where' && w.expr.kind === 'or' && w.expr.left.kind === 'and');
  const { left, right } = w.expr.left;
  assert.ok(left.kind === 'compare' && left.right.kind === 'time');
  assert.equal(left.right.value.ms, Date.UTC(2015, 4, 17, 10));
  assert.ok(right.kind === 'compare' && right.right.kind === 'time');
  assert.equal(right.right.value.ms, Date.UTC(2015, 4, 17, 10));
  assert.equal(right.right.value.offsetMinutes, 120);
  const flipped = w.expr.right;
  assert.ok(flipped.kind === 'compare' && flipped.left.kind === 'time', 'a literal on the left converts too');

  assert.deepEqual(typeError('time > "yesterday"'), [
    "'yesterday' is not a time: write ISO-8601 (2015-05-17T10:00:00Z, 2015-05-17) or CLF (17/May/2015:10:00:00 +0000)", 7,
  ]);
  assert.deepEqual(typeError('time > "2015-02-30"')[1], 7);
  assert.deepEqual(typeError('time > 1431856800000')[0],
    'time is a time field: compare it with a quoted time such as "2015-05-17T10:00:00Z", not a number');
  assert.deepEqual(typeError('time in ("2015-05-17", "x")')[1], 23);
});

test('after an aggregate, bin columns are times too', () => {
  const t = check('count by bin(time, 1h) | where bin(time,1h) >= "2015-05-17T10:00:00Z"');
  const w = t.stages[1]!.stage;
  assert.ok(w.kind === 'where' && w.expr.kind === 'compare' && w.expr.right.kind === 'time');
});

test('dynamic schema: any name, typed any; aggregates still name their columns', () => {
  const t = check('@timestamp contains "2015" and a.b > 5 and level in ("warn", 3) | count, avg(latency) by level, bin(ts, 1m)', null);
  assert.equal(t.stages[0]!.inputScope, null);
  assert.deepEqual(t.columns, [
    { name: 'level', type: 'any' }, { name: 'bin(ts,1m)', type: 'time' }, { name: 'count', type: 'number' },
    { name: 'avg(latency)', type: 'number' },
  ]);
  // any compares with anything, including time-looking strings (kept as strings)
  const w = check('ts > "2015-05-17"', null).stages[0]!.stage;
  assert.ok(w.kind === 'where' && w.expr.kind === 'compare' && w.expr.right.kind === 'string');
  assert.deepEqual(typeError('count by level | sort lvl', null), ["unknown column 'lvl' (columns after the aggregate: level, count)", 22]);
});

test('fields narrows the scope and keeps types', () => {
  const t = check('fields host, status | where status >= 500');
  assert.deepEqual(t.stages[0]!.outputScope, [{ name: 'host', type: 'string' }, { name: 'status', type: 'number' }]);
  assert.deepEqual(t.stages.map((s) => s.input), ['record', 'record']);
});

test('top outputs the field and count', () => {
  const t = check('top 5 path | where count > 2');
  assert.deepEqual(t.columns, [{ name: 'path', type: 'string' }, { name: 'count', type: 'number' }]);
  assert.deepEqual(t.stages.map((s) => s.input), ['record', 'row']);
});

test('neededFields: every field the record phase reads, nothing after the aggregate', () => {
  const q = parseQuery(
    'status >= 500 and not host contains "x" or agent matches /bot/ or method in ("GET") | count, sum(bytes) by path, bin(time, 5m) | where count > 10 | sort count',
  );
  assert.deepEqual([...neededFields(q)].sort(), ['agent', 'bytes', 'host', 'method', 'path', 'status', 'time']);
  assert.deepEqual([...neededFields(parseQuery('count'))], []);
  assert.deepEqual([...neededFields(parseQuery('fields host, status | sort bytes | head 3'))].sort(), ['bytes', 'host', 'status']);
  assert.deepEqual([...neededFields(parseQuery('top 3 path | fields count'))], ['path']);
});

test('TypedQuery.needed is null when whole records are the result', () => {
  assert.equal(check('status >= 500 | head 10').needed, null);
  assert.deepEqual([...check('status >= 500 | fields host').needed!].sort(), ['host', 'status']);
  assert.deepEqual([...check('count by host').needed!], ['host']);
  assert.equal(check('status >= 500 | head 3', null).columns, null);
});
