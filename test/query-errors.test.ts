import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError, EXIT_USAGE } from '../src/core/errors.js';
import { QueryError, formatQueryError } from '../src/query/errors.js';
import { parseQuery } from '../src/query/parser.js';

function parseError(query: string): QueryError {
  try {
    parseQuery(query);
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  assert.fail(`expected a QueryError for ${query}`);
}

/** [message, column] of the parse error. */
function err(query: string): [string, number] {
  const e = parseError(query);
  return [e.message, e.column];
}

test('formatQueryError gives exactly three lines with the caret under the column', () => {
  const q = 'count by';
  assert.equal(
    formatQueryError(q, parseError(q)),
    "query error: expected a field name after 'by'\n  count by\n          ^",
  );
  const q2 = 'status = 200';
  assert.equal(
    formatQueryError(q2, parseError(q2)),
    "query error: unknown operator '=' (did you mean '=='?)\n  status = 200\n         ^",
  );
});

test('formatQueryError shows tabs and newlines as spaces so the caret lines up', () => {
  const q = 'status >= 500\n|\tcount by';
  const lines = formatQueryError(q, parseError(q)).split('\n');
  assert.equal(lines.length, 3);
  assert.equal(lines[1], '  status >= 500 | count by');
  assert.equal(lines[2]!.indexOf('^'), 2 + q.length);
});

test('QueryError is a UsageError (exit code 2)', () => {
  const e = parseError('count by');
  assert.ok(e instanceof UsageError);
  assert.equal(e.exitCode, EXIT_USAGE);
});

test('unexpected end', () => {
  assert.deepEqual(err('count by'), ["expected a field name after 'by'", 8]);
  assert.deepEqual(err('count by status,'), ["expected a field name after ','", 16]);
  assert.deepEqual(err('where'), ["expected a condition after 'where'", 5]);
  assert.deepEqual(err('status =='), ["expected a value after '=='", 9]);
  assert.deepEqual(err('a and'), ["expected a condition after 'and'", 5]);
  assert.deepEqual(err('fields'), ["expected a field name after 'fields'", 6]);
  assert.deepEqual(err('sort'), ["expected a column to sort by after 'sort'", 4]);
  assert.deepEqual(err('head'), ["expected a number after 'head'", 4]);
  assert.deepEqual(err('count |')[1], 7);
  assert.match(err('count |')[0], /^expected a condition or a stage .* after '\|'$/);
});

test('a missing stage before or between pipes', () => {
  assert.deepEqual(err('| count')[1], 0);
  assert.match(err('| count')[0], /before '\|'$/);
  assert.deepEqual(err('count | | head 1')[1], 8);
});

test('unknown operators, with hints', () => {
  assert.deepEqual(err('status = 200'), ["unknown operator '=' (did you mean '=='?)", 7]);
  assert.deepEqual(err('a && b'), ["unknown operator '&&' (use 'and')", 2]);
  assert.deepEqual(err('a || b'), ["unknown operator '||' (use 'or')", 2]);
  assert.deepEqual(err('a <> 1'), ["unknown operator '<>' (did you mean '!='?)", 2]);
  assert.deepEqual(err('path =~ "x"'), ["unknown operator '=~' (use 'matches')", 5]);
  assert.deepEqual(err('bytes ^ 2'), ["unexpected character '^'", 6]);
  assert.deepEqual(err('status eq 200')[1], 7);
  assert.match(err('status eq 200')[0], /^unknown operator 'eq' \(expected ==, !=, .* or in\)$/);
});

test('unclosed strings, regexes and parentheses point at the opening', () => {
  assert.deepEqual(err('host == "abc'), ['unclosed string: expected a closing " before the end of the query', 8]);
  assert.deepEqual(err("host == 'a\\'"), ["unclosed string: expected a closing ' before the end of the query", 8]);
  assert.deepEqual(err('a matches /x'), ['unclosed regular expression: expected a closing / before the end of the query', 10]);
  assert.deepEqual(err('(status == 1'), ["unclosed '(': expected ')'", 0]);
  assert.deepEqual(err('a and (b or (c)'), ["unclosed '(': expected ')'", 6]);
  assert.deepEqual(err('status in (1, 2'), ["unclosed '(': expected ')'", 10]);
  assert.deepEqual(err('sum(bytes'), ["unclosed '(': expected ')'", 3]);
});

test('the leftmost mistake wins (the lexer is lazy)', () => {
  assert.deepEqual(err('count by | x == "abc'), ["expected a field name after 'by', found '|'", 9]);
});

test('bad head and top arguments', () => {
  assert.deepEqual(err('head x'), ["head needs a whole number of rows (e.g. head 10), found 'x'", 5]);
  assert.deepEqual(err('head -1'), ["head needs a whole number of rows (e.g. head 10), found '-1'", 5]);
  assert.deepEqual(err('head 2.5'), ["head needs a whole number of rows (e.g. head 10), found '2.5'", 5]);
  assert.deepEqual(err('head 10 20'), ["unexpected '20': expected '|' or the end of the query", 8]);
  assert.deepEqual(err('top -2 path'), ["top needs a whole number of rows (e.g. top 10), found '-2'", 4]);
  assert.deepEqual(err('top 3'), ["expected a field name after 'top 3'", 5]);
});

test('stray tokens', () => {
  assert.deepEqual(err('status == 200 404'), ["unexpected '404': expected 'and', 'or', '|' or the end of the query", 14]);
  assert.deepEqual(err('count by status status'), ["unexpected 'status': expected ',', '|' or the end of the query", 16]);
  assert.deepEqual(err('count status'), ["unexpected 'status': expected ',', 'by', '|' or the end of the query", 6]);
  assert.deepEqual(err('fields a b'), ["unexpected 'b': expected ',', '|' or the end of the query", 9]);
  assert.deepEqual(err('sort a up'), ["unexpected 'up': expected 'asc', 'desc', ',', '|' or the end of the query", 7]);
  assert.deepEqual(err('(a == 1))'), ["unexpected ')': expected 'and', 'or', '|' or the end of the query", 8]);
  assert.deepEqual(err('status 200')[1], 7);
  assert.deepEqual(err('a # b'), ["unexpected character '#'", 2]);
});

test('values in the wrong place', () => {
  assert.deepEqual(err('status == and'), ["expected a value after '==', found 'and'", 10]);
  assert.deepEqual(err('"timeout"')[1], 0);
  assert.match(err('"timeout"')[0], /^a string by itself is not a condition/);
  assert.deepEqual(err('a not contains "x"'), ["expected 'in' after 'not' (to negate a condition, write not before it), found 'contains'", 6]);
  assert.deepEqual(err('a in 1'), ["expected '(' after 'in', e.g. in (200, 304), found '1'", 5]);
  assert.deepEqual(err('a in (b)')[1], 6);
  assert.deepEqual(err('a in ()'), ["expected a string, number, true or false in the list, found ')'", 6]);
  assert.deepEqual(err('bytes > 5k'), ["expected a value after '>', found '5k'", 8]);
});

test('aggregate mistakes', () => {
  assert.deepEqual(err('count(status)'), ['count takes no field: write count (or count_distinct(f) to count distinct values)', 6]);
  assert.deepEqual(err('sum bytes'), ["expected '(' after 'sum' (e.g. sum(bytes)), found 'bytes'", 4]);
  assert.deepEqual(err('p100(bytes)'), ["percentile must be between 0 and 100 (e.g. p99 or p99.9), found 'p100'", 0]);
  assert.deepEqual(err('p0(bytes)')[1], 0);
  assert.deepEqual(err('count by sum(bytes)'), ["cannot group by an aggregate: put 'sum(...)' before 'by'", 9]);
  assert.deepEqual(err('count, by x'), ["expected an aggregate (count, sum, avg, min, max, count_distinct, pNN, median, stddev, first, last, sample) after ','" + ", found 'by'", 7]);
  assert.deepEqual(err('foo(x) == 1'), ["unknown function 'foo' (functions: lower, upper, len, substr, replace, split, if, coalesce, now, bin; aggregates: count, sum, avg, min, max, count_distinct, pNN, median, stddev, first, last, sample)", 0]);
});

test('bin mistakes', () => {
  assert.deepEqual(err('count by bin(time, 5x)'), ["unknown time unit 'x' in '5x' (use s, m, h or d)", 19]);
  assert.deepEqual(err('count by bin(time, 0m)'), ["bucket width must be more than zero, found '0m'", 19]);
  assert.deepEqual(err('count by bin(time)'), ["expected ',' and a bucket width in bin(time, 5m) or bin(bytes, 100), found ')'", 17]);
});

test('regex mistakes', () => {
  assert.deepEqual(err('a matches /(/'), ['invalid regular expression /(/: Unterminated group', 10]);
  assert.deepEqual(err('a matches /x/g'), ["regular expression flag 'g' is not supported: each record is tested once", 10]);
  assert.deepEqual(err('a matches /x/q'), ["regular expression flag 'q' is unknown (use i, m, s or u)", 10]);
  assert.deepEqual(err('a matches 3'), ["expected /regex/ or a string after 'matches', found '3'", 10]);
  assert.deepEqual(err('a matches "["')[1], 10);
});
