import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnName, expandTop, type Expr, type Operand, type Stage } from '../src/query/ast.js';
import { tokenize } from '../src/query/lexer.js';
import { parseQuery } from '../src/query/parser.js';

/** S-expression view of an expression, so tests read like the tree they check. */
function show(e: Expr | Operand): string {
  switch (e.kind) {
    case 'field':
      return e.computed ? `{${e.name}}` : e.name;
    case 'string':
      return JSON.stringify(e.value);
    case 'number':
      return e.text;
    case 'bool':
      return String(e.value);
    case 'time':
      return `@${e.text}`;
    case 'truthy':
      return `${show(e.field)}?`;
    case 'arith':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'call':
      return `${e.fn}(${e.args.map(show).join(' ')})`;
    case 'index':
      return `${show(e.target)}[${show(e.index)}]`;
    case 'cond':
      return `?${show(e.expr)}`;
    case 'compare':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'text':
      return `(${e.op} ${show(e.left)} ${show(e.right)})`;
    case 'matches':
      return `(matches ${show(e.subject)} ${String(e.regex)})`;
    case 'in':
      return `(${e.negated ? 'not-in' : 'in'} ${show(e.subject)} [${e.values.map(show).join(' ')}])`;
    case 'and':
    case 'or':
      return `(${e.kind} ${show(e.left)} ${show(e.right)})`;
    case 'not':
      return `(not ${show(e.operand)})`;
  }
}

function only(query: string): Stage {
  const q = parseQuery(query);
  assert.equal(q.stages.length, 1, `one stage in ${query}`);
  return q.stages[0]!;
}

function whereOf(query: string): string {
  const s = only(query);
  assert.equal(s.kind, 'where');
  return show(s.expr);
}

// --- lexer ----------------------------------------------------------------------------------

test('lexer: identifiers take letters, digits, _, . and @', () => {
  const kinds = tokenize('@timestamp a.b user_id p99.9').map((t) => `${t.kind}:${t.text}`);
  assert.deepEqual(kinds, ['ident:@timestamp', 'ident:a.b', 'ident:user_id', 'ident:p99.9', 'eof:']);
});

test('lexer: numbers (int, float, negative, exponent) and durations', () => {
  const toks = tokenize('42, -1, 0.5 (-2.25 1e3 5m 30s');
  assert.deepEqual(
    toks.map((t) => `${t.kind}:${t.text}`),
    ['number:42', 'op:,', 'number:-1', 'op:,', 'number:0.5', 'op:(', 'number:-2.25', 'number:1e3', 'duration:5m', 'duration:30s', 'eof:'],
  );
});

test('lexer: a minus after a value is an operator, elsewhere part of the number', () => {
  const kinds = (q: string) => tokenize(q).map((t) => `${t.kind}:${t.text}`);
  assert.deepEqual(kinds('bytes -1'), ['ident:bytes', 'op:-', 'number:1', 'eof:']);
  assert.deepEqual(kinds('x == -1'), ['ident:x', 'op:==', 'number:-1', 'eof:']);
  assert.deepEqual(kinds('(a)-2'), ['op:(', 'ident:a', 'op:)', 'op:-', 'number:2', 'eof:']);
  assert.deepEqual(kinds('`a b`-2'), ['ident:`a b`', 'op:-', 'number:2', 'eof:']);
});

test('lexer: strings in either quote with backslash escapes', () => {
  const [a, b, c, d] = tokenize(`"a\\"b\\n" 'it\\'s' "tab\\there" "\\d+\\u00e9"`);
  assert.equal(a!.value, 'a"b\n');
  assert.equal(b!.value, "it's");
  assert.equal(c!.value, 'tab\there');
  assert.equal(d!.value, '\\d+é', 'unknown escapes keep their backslash');
});

test('lexer: regex only after matches, with escaped slashes, classes and flags', () => {
  const toks = tokenize('path MATCHES /a\\/b[/]c/i');
  const re = toks[2]!;
  assert.equal(re.kind, 'regex');
  assert.equal(re.value, 'a\\/b[/]c');
  assert.equal(re.flags, 'i');
});

test('lexer: operators and punctuation, with source offsets', () => {
  const toks = tokenize('a>=1|b!=(2,3)');
  assert.deepEqual(
    toks.map((t) => [t.text, t.start]),
    [['a', 0], ['>=', 1], ['1', 3], ['|', 4], ['b', 5], ['!=', 6], ['(', 8], ['2', 9], [',', 10], ['3', 11], [')', 12], ['', 13]],
  );
});

// --- stages ---------------------------------------------------------------------------------

test('the empty query has no stages', () => {
  assert.deepEqual(parseQuery('').stages, []);
  assert.deepEqual(parseQuery('   ').stages, []);
});

test('a bare expression and `where` are both filters', () => {
  const bare = only('status >= 500');
  const kw = only('where status >= 500');
  assert.ok(bare.kind === 'where' && bare.implicit);
  assert.ok(kw.kind === 'where' && !kw.implicit);
  assert.equal(show(bare.expr), '(>= status 500)');
  assert.equal(show(kw.expr), '(>= status 500)');
  assert.equal(kw.start, 0);
  assert.equal(kw.end, 19);
});

test('fields keeps a list of names', () => {
  const s = only('fields host, @timestamp, a.b');
  assert.ok(s.kind === 'fields');
  assert.deepEqual(s.fields.map((f) => f.name), ['host', '@timestamp', 'a.b']);
  assert.deepEqual([s.fields[1]!.start, s.fields[1]!.end], [13, 23]);
});

test('aggregates: several at once, grouped by fields and time buckets', () => {
  const s = only('count, sum(bytes), avg(bytes), min(time), max(time), count_distinct(host), p50(bytes), p99.9(bytes) by status, bin(time, 5m)');
  assert.ok(s.kind === 'aggregate');
  assert.deepEqual(s.aggregates.map(columnName), [
    'count', 'sum(bytes)', 'avg(bytes)', 'min(time)', 'max(time)', 'count_distinct(host)', 'p50(bytes)', 'p99.9(bytes)',
  ]);
  assert.deepEqual(s.aggregates.map((a) => a.fn), ['count', 'sum', 'avg', 'min', 'max', 'count_distinct', 'percentile', 'percentile']);
  assert.equal(s.aggregates[7]!.percentile, 99.9);
  assert.deepEqual(s.groupBy.map(columnName), ['status', 'bin(time,5m)']);
  const bin = s.groupBy[1]!;
  assert.ok(bin.kind === 'bin');
  assert.equal(bin.ms, 300_000);
});

test('count, count() and an aggregate without by', () => {
  for (const q of ['count', 'count()', 'COUNT ( )']) {
    const s = only(q);
    assert.ok(s.kind === 'aggregate', q);
    assert.equal(columnName(s.aggregates[0]!), 'count');
    assert.deepEqual(s.groupBy, []);
  }
});

test('bin widths: units s, m, h, d (case-insensitive), decimals allowed', () => {
  const widths = ['30s', '5M', '1h', '1d', '1.5h'].map((w) => {
    const s = only(`count by bin(time, ${w})`);
    assert.ok(s.kind === 'aggregate');
    const k = s.groupBy[0]!;
    assert.ok(k.kind === 'bin');
    return [columnName(k), k.ms];
  });
  assert.deepEqual(widths, [
    ['bin(time,30s)', 30_000], ['bin(time,5m)', 300_000], ['bin(time,1h)', 3_600_000],
    ['bin(time,1d)', 86_400_000], ['bin(time,1.5h)', 5_400_000],
  ]);
});

test('percentile names are canonical: p50.0 -> p50, P99 -> p99', () => {
  const s = only('p50.0(bytes), P99(bytes), p0.5(bytes)');
  assert.ok(s.kind === 'aggregate');
  assert.deepEqual(s.aggregates.map(columnName), ['p50(bytes)', 'p99(bytes)', 'p0.5(bytes)']);
});

test('sort keys with directions (default asc), over fields and aggregate columns', () => {
  const q = parseQuery('count, sum(bytes) by host | sort count desc, sum(bytes) DESC, host, bin(time, 1h) asc');
  const s = q.stages[1]!;
  assert.ok(s.kind === 'sort');
  assert.deepEqual(
    s.keys.map((k) => [k.column.name, k.column.computed, k.descending]),
    [['count', false, true], ['sum(bytes)', true, true], ['host', false, false], ['bin(time,1h)', true, false]],
  );
});

test('head N and top N f (top spelled out by expandTop)', () => {
  const h = only('head 25');
  assert.ok(h.kind === 'head' && h.n === 25);
  const t = only('top 5 path');
  assert.ok(t.kind === 'top' && t.n === 5 && t.field.name === 'path');
  const d = only('top path');
  assert.ok(d.kind === 'top' && d.n === 10, 'N defaults to 10');
  const [agg, sort, head] = expandTop(t);
  assert.ok(agg!.kind === 'aggregate' && sort!.kind === 'sort' && head!.kind === 'head');
  assert.deepEqual(agg.groupBy.map(columnName), ['path']);
  assert.deepEqual(agg.aggregates.map(columnName), ['count']);
  assert.deepEqual(sort.keys.map((k) => [k.column.name, k.descending]), [['count', true]]);
  assert.equal(head.n, 5);
});

test('a whole pipeline, with stage offsets', () => {
  const text = 'status >= 500 | count by path | sort count desc | head 10';
  const q = parseQuery(text);
  assert.equal(q.text, text);
  assert.deepEqual(q.stages.map((s) => s.kind), ['where', 'aggregate', 'sort', 'head']);
  assert.deepEqual(q.stages.map((s) => text.slice(s.start, s.end)), ['status >= 500', 'count by path', 'sort count desc', 'head 10']);
});

test('keywords are case-insensitive, field names are not', () => {
  const q = parseQuery('WHERE Status == 1 AND NOT x IN (1) | Count BY Host | SORT count DESC | HEAD 3');
  assert.deepEqual(q.stages.map((s) => s.kind), ['where', 'aggregate', 'sort', 'head']);
  const w = q.stages[0]!;
  assert.ok(w.kind === 'where');
  assert.equal(show(w.expr), '(and (== Status 1) (not (in x [1])))');
  const a = q.stages[1]!;
  assert.ok(a.kind === 'aggregate');
  assert.equal(columnName(a.groupBy[0]!), 'Host');
});

test('a stage keyword followed by an operator is a field (count > 10 after an aggregate)', () => {
  const q = parseQuery('count by host | count > 10 | where count() >= 2 | head == 1 | p99(bytes) > 3');
  assert.deepEqual(q.stages.map((s) => s.kind), ['aggregate', 'where', 'where', 'where', 'where']);
  const shows = q.stages.slice(1).map((s) => (s.kind === 'where' ? show(s.expr) : ''));
  assert.deepEqual(shows, ['(> count 10)', '(>= {count} 2)', '(== head 1)', '(> {p99(bytes)} 3)']);
});

// --- expressions ----------------------------------------------------------------------------

test('precedence: not > and > or', () => {
  assert.equal(whereOf('a or b and not c'), '(or a? (and b? (not c?)))');
  assert.equal(whereOf('not a and b or c'), '(or (and (not a?) b?) c?)');
  assert.equal(whereOf('a and b and c'), '(and (and a? b?) c?)');
  assert.equal(whereOf('(a or b) and c'), '(and (or a? b?) c?)');
  assert.equal(whereOf('not not a'), '(not (not a?))');
});

test('comparisons bind tighter than not', () => {
  assert.equal(whereOf('not status == 200'), '(not (== status 200))');
  assert.equal(whereOf('not host contains "x" or y'), '(or (not (contains host "x")) y?)');
});

test('every comparison operator', () => {
  const ops = ['==', '!=', '<', '<=', '>', '>='].map((op) => whereOf(`bytes ${op} 1`));
  assert.deepEqual(ops, ['(== bytes 1)', '(!= bytes 1)', '(< bytes 1)', '(<= bytes 1)', '(> bytes 1)', '(>= bytes 1)']);
  assert.equal(whereOf('500 <= status'), '(<= 500 status)');
  assert.equal(whereOf('bytes > status'), '(> bytes status)');
});

test('literals: strings, ints, floats, negatives, booleans', () => {
  assert.equal(whereOf(`a == "x" or b == 'y' or c == -3 or d == 2.5 or e == true or f != FALSE`),
    '(or (or (or (== a "x") (== b "y")) (== c -3)) (or (or (== d 2.5) (== e true)) (!= f false)))');
  const s = only('x == -0.25');
  assert.ok(s.kind === 'where' && s.expr.kind === 'compare' && s.expr.right.kind === 'number');
  assert.equal(s.expr.right.value, -0.25);
});

test('text operators', () => {
  assert.equal(whereOf('url contains "/api"'), '(contains url "/api")');
  assert.equal(whereOf('path StartsWith "/img"'), '(startswith path "/img")');
  assert.equal(whereOf("path endswith '.png'"), '(endswith path ".png")');
});

test('matches takes /re/flags or a string', () => {
  assert.equal(whereOf('agent matches /bot|crawler/i'), '(matches agent /bot|crawler/i)');
  assert.equal(whereOf('path matches "^/a\\d+$"'), '(matches path /^\\/a\\d+$/)');
  const s = only('path matches /^\\/api\\//');
  assert.ok(s.kind === 'where' && s.expr.kind === 'matches');
  assert.ok(s.expr.regex.test('/api/x'));
  assert.ok(!s.expr.regex.test('/apix'));
});

test('in and not in take lists of literals', () => {
  assert.equal(whereOf('status in (200, 304)'), '(in status [200 304])');
  assert.equal(whereOf('host not in ("a", \'b\', 3, true)'), '(not-in host ["a" "b" 3 true])');
  assert.equal(whereOf('not host in ("a")'), '(not (in host ["a"]))');
});

test('a bare field is a condition (true when its value is true); true/false stand alone', () => {
  assert.equal(whereOf('ok'), 'ok?');
  assert.equal(whereOf('true'), 'true');
  assert.equal(whereOf('ok and false'), '(and ok? false)');
});

test('expression node offsets cover their source text', () => {
  const text = 'host == "a" and not (bytes > 10 or path matches /x/)';
  const s = only(text);
  assert.ok(s.kind === 'where' && s.expr.kind === 'and');
  const { left, right } = s.expr;
  assert.equal(text.slice(left.start, left.end), 'host == "a"');
  assert.equal(text.slice(right.start, right.end), 'not (bytes > 10 or path matches /x/)');
  assert.ok(right.kind === 'not');
  assert.equal(text.slice(right.operand.start, right.operand.end), '(bytes > 10 or path matches /x/)', 'parentheses belong to the node');
});
