import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineBatch } from '../src/core/batch.js';
import { Instant, type Value } from '../src/core/value.js';
import type { FieldReader, FieldSpec, LogFormat, RowParser } from '../src/core/format.js';
import type { Expr } from '../src/query/ast.js';
import { compileGroupKey, compilePredicate, compileValue } from '../src/query/compile.js';
import { QueryError } from '../src/query/errors.js';
import { parseQuery } from '../src/query/parser.js';
import { parseInstant } from '../src/query/time-literal.js';
import { typecheck } from '../src/query/typecheck.js';

// --- a tiny fake format: `key=value` pairs separated by spaces ---------------------------------

type Offsets = Map<string, [number, number]>;

/** Implements the RowParser contract over a LineBatch; counts decodes so tests can see the path taken. */
class FakeParser implements RowParser {
  readonly format: LogFormat;
  strCalls = 0;
  spanCalls = 0;

  constructor(
    readonly fields: readonly FieldSpec[],
    /** Offer `span` on string and number readers (zero-copy path) or not (str path). */
    readonly spans: boolean,
  ) {
    this.format = { name: 'fake', fields, parser: () => this };
  }

  parse(b: LineBatch): void {
    const rows: Offsets[] = [];
    for (let row = 0; row < b.count; row++) {
      const map: Offsets = new Map();
      let i = b.starts[row]!;
      const end = b.ends[row]!;
      while (i < end) {
        let j = b.buf.indexOf(0x20, i);
        if (j < 0 || j > end) j = end;
        const eq = b.buf.indexOf(0x3d, i);
        if (eq > i && eq < j) map.set(b.buf.toString('utf8', i, eq), [eq + 1, j]);
        i = j + 1;
      }
      rows.push(map);
    }
    b.parsed = rows;
  }

  reader(field: string): FieldReader | undefined {
    const spec = this.fields.find((f) => f.name === field);
    if (spec === undefined) return undefined;
    const self = this;
    const at = (b: LineBatch, row: number): [number, number] | undefined => (b.parsed as Offsets[])[row]!.get(field);
    const raw = (b: LineBatch, row: number): string | undefined => {
      const o = at(b, row);
      return o === undefined ? undefined : b.buf.toString('utf8', o[0], o[1]);
    };
    const reader: FieldReader = {
      name: field,
      type: spec.type,
      str(b, row) {
        self.strCalls++;
        return raw(b, row);
      },
      num(b, row) {
        const s = raw(b, row);
        if (s === undefined || s === '') return NaN;
        return spec.type === 'time' ? (parseInstant(s)?.ms ?? NaN) : Number(s);
      },
      value(b, row): Value {
        const s = raw(b, row);
        if (s === undefined) return null;
        if (spec.type === 'time') return parseInstant(s);
        if (spec.type === 'number') return Number(s);
        if (spec.type === 'any') {
          if (s === 'true' || s === 'false') return s === 'true';
          const n = Number(s);
          return s !== '' && Number.isFinite(n) ? n : s;
        }
        return s;
      },
    };
    if (this.spans && spec.type !== 'time') {
      reader.span = (b, row, out) => {
        self.spanCalls++;
        const o = at(b, row);
        if (o === undefined) return null;
        out[0] = o[0];
        out[1] = o[1];
        return b.buf;
      };
    }
    return reader;
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const f of this.fields) out[f.name] = this.reader(f.name)!.value(b, row);
    return out;
  }
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'host', type: 'string' },
  { name: 'status', type: 'number' },
  { name: 'bytes', type: 'number' },
  { name: 'time', type: 'time' },
  { name: 'path', type: 'string' },
  { name: 'agent', type: 'string' }, // never present in the data: always missing
  { name: 'ok', type: 'any' },
  { name: 'code', type: 'any' },
];

/** One row per host; row `c` lacks bytes, row `e` has a non-numeric status. */
const LINES = [
  'host=a status=200 bytes=100 time=2015-05-17T10:00:00Z path=/index.html ok=true code=200',
  'host=b status=404 bytes=0 time=2015-05-17T10:05:00+02:00 path=/api/x ok=false code=E42',
  'host=c status=500 time=17/May/2015:11:00:00 path=/api/yy',
  'host=ñandú status=304 bytes=2048 time=2015-05-17T11:59:59.999Z path=/img/logo.png code=304',
  'host=e status=- bytes=1 time=2015-05-18 path=/',
];

function batchOf(lines: readonly string[]): LineBatch {
  const buf = Buffer.from(lines.join('\n'));
  const starts = new Int32Array(lines.length);
  const ends = new Int32Array(lines.length);
  let pos = 0;
  for (let i = 0; i < lines.length; i++) {
    starts[i] = pos;
    ends[i] = pos + Buffer.byteLength(lines[i]!);
    pos = ends[i]! + 1;
  }
  const sel = Uint32Array.from(lines.keys());
  const b = new LineBatch({ name: 'test', path: null, size: null }, buf, starts, ends, sel, 1);
  b.count = lines.length;
  b.selCount = lines.length;
  return b;
}

function whereExpr(query: string, typed = true): Expr {
  const parsed = parseQuery(query);
  const stage = typed ? typecheck(parsed, FIELDS).stages[0]!.stage : parsed.stages[0]!;
  assert.ok(stage.kind === 'where');
  return stage.expr;
}

/** Hosts of the rows matching the query, with or without spans. */
function hosts(query: string, spans = true, typed = true): string {
  const parser = new FakeParser(FIELDS, spans);
  const b = batchOf(LINES);
  parser.parse(b);
  const keep = compilePredicate(whereExpr(query, typed), parser);
  const host = parser.reader('host')!;
  const out: string[] = [];
  for (let row = 0; row < b.count; row++) if (keep(b, row)) out.push(host.str(b, row)!);
  return out.join(' ');
}

/** The same answer through span and str readers. */
function both(query: string): string {
  const withSpans = hosts(query, true);
  assert.equal(hosts(query, false), withSpans, `span and str paths agree on ${query}`);
  return withSpans;
}

test('string equality and inequality', () => {
  assert.equal(both('host == "b"'), 'b');
  assert.equal(both('host != "b"'), 'a c ñandú e');
  assert.equal(both('host == "ñandú"'), 'ñandú', 'multi-byte UTF-8 compares by bytes');
  assert.equal(both('host == "ñand"'), '');
  assert.equal(both('"b" == host'), 'b', 'literal on the left');
});

test('startswith, endswith, contains', () => {
  assert.equal(both('path startswith "/api"'), 'b c');
  assert.equal(both('path endswith ".png"'), 'ñandú');
  assert.equal(both('path contains "y"'), 'c');
  assert.equal(both('path contains "/"'), 'a b c ñandú e');
  assert.equal(both('path contains "/api/xx"'), '', 'a literal longer than the field');
  assert.equal(both('host startswith "ñ"'), 'ñandú');
  assert.equal(both('path contains ""'), 'a b c ñandú e');
  assert.equal(both('"/api/x/z" contains path'), 'b e', 'field on the right');
});

test('numbers compare through num; NaN (missing, "-") only satisfies !=', () => {
  assert.equal(both('status >= 400'), 'b c');
  assert.equal(both('status < 400'), 'a ñandú');
  assert.equal(both('status == 304'), 'ñandú');
  assert.equal(both('status != 304'), 'a b c e');
  assert.equal(both('bytes <= 1.5'), 'b e');
  assert.equal(both('bytes > -1'), 'a b ñandú e');
  assert.equal(both('500 <= status'), 'c', 'literal on the left flips the operator');
});

test('number fields against a quoted string compare text', () => {
  assert.equal(both('status == "404"'), 'b');
  assert.equal(both('status startswith "30"'), 'ñandú');
});

test('a missing field fails every comparison except != and not in', () => {
  // agent is in the schema but on no row; bytes is missing on row c.
  assert.equal(both('agent == "x"'), '');
  assert.equal(both('agent != "x"'), 'a b c ñandú e');
  assert.equal(both('agent contains ""'), '');
  assert.equal(both('agent startswith ""'), '');
  assert.equal(both('agent matches /.*/'), '');
  assert.equal(both('agent in ("x")'), '');
  assert.equal(both('agent not in ("x")'), 'a b c ñandú e');
  assert.equal(both('bytes == 0'), 'b');
  assert.equal(both('bytes != 0'), 'a c ñandú e');
  assert.equal(both('bytes in (0, 100)'), 'a b');
  assert.equal(both('bytes not in (0, 100)'), 'c ñandú e');
  assert.equal(both('not bytes >= 0'), 'c', 'not of a false comparison is true');
});

test('a field the parser can never have is missing everywhere', () => {
  const parser = new FakeParser(FIELDS, true);
  const b = batchOf(LINES);
  parser.parse(b);
  const eq = compilePredicate(whereExpr('nope == "x"', false), parser);
  const ne = compilePredicate(whereExpr('nope != "x"', false), parser);
  const notIn = compilePredicate(whereExpr('nope not in (1)', false), parser);
  assert.equal(eq(b, 0), false);
  assert.equal(ne(b, 0), true);
  assert.equal(notIn(b, 0), true);
});

test('in and not in over strings, numbers and dynamic values', () => {
  assert.equal(both('host in ("a", "e", "zz")'), 'a e');
  assert.equal(both('host not in ("a", "e")'), 'b c ñandú');
  assert.equal(both('status in (200, 500)'), 'a c');
  assert.equal(both('status not in (200, 500)'), 'b ñandú e');
  assert.equal(both('code in (200, "E42")'), 'a b', 'an any field matches numbers by value and strings by text');
  assert.equal(both('code in (304)'), 'ñandú');
  assert.equal(both('ok in (true)'), 'a');
});

test('matches decodes the field and tests the regex', () => {
  assert.equal(both('path matches /^\\/api\\/y+$/'), 'c');
  assert.equal(both('path matches "PNG$"'), '');
  assert.equal(both('path matches /PNG$/i'), 'ñandú');
});

test('booleans: a dynamic field alone, == true, and constants', () => {
  assert.equal(both('ok'), 'a');
  assert.equal(both('not ok'), 'b c ñandú e');
  assert.equal(both('ok == false'), 'b');
  assert.equal(both('ok != true'), 'b c ñandú e');
  assert.equal(both('true'), 'a b c ñandú e');
  assert.equal(both('false or host == "a"'), 'a');
});

test('and, or, not and parentheses evaluate with the right precedence', () => {
  assert.equal(both('host == "a" or host == "b" and status == 200'), 'a');
  assert.equal(both('(host == "a" or host == "b") and status == 404'), 'b');
  assert.equal(both('not host == "a" and not host == "b"'), 'c ñandú e');
});

test('time comparisons use epoch ms, whatever offset either side was written in', () => {
  assert.equal(both('time < "2015-05-17T09:00:00Z"'), 'b', '10:05+02:00 is 08:05Z');
  assert.equal(both('time == "2015-05-17T08:05:00Z"'), 'b');
  assert.equal(both('time >= "17/May/2015:10:00:00 +0000" and time < "2015-05-18"'), 'a c ñandú');
  assert.equal(both('time >= "2015-05-18"'), 'e', 'date-only is midnight UTC');
  assert.equal(both('time in ("2015-05-17T12:00:00+01:00")'), 'c');
  assert.equal(both('time > "2015-05-17T11:59:59.998Z" and time < "2015-05-17T12:00:00Z"'), 'ñandú', 'milliseconds');
});

test('time literals work without typecheck too (parsed once at compile time)', () => {
  assert.equal(hosts('time < "2015-05-17T09:00:00Z"', true, false), 'b');
  assert.equal(hosts('time in ("2015-05-18")', true, false), 'e');
  const parser = new FakeParser(FIELDS, true);
  assert.throws(() => compilePredicate(whereExpr('time < "soon"', false), parser), QueryError);
});

test('field against field', () => {
  assert.equal(both('bytes > status'), 'ñandú');
  assert.equal(both('host < path'), '', "'/' sorts before letters");
  assert.equal(both('host != path'), 'a b c ñandú e');
});

test('string comparisons with spans never decode; without spans they use str', () => {
  for (const q of ['host == "b"', 'host != "b"', 'path startswith "/api"', 'path endswith ".png"', 'path contains "x"', 'host in ("a", "b")', 'status == "404"']) {
    const spanParser = new FakeParser(FIELDS, true);
    const b = batchOf(LINES);
    spanParser.parse(b);
    const p = compilePredicate(whereExpr(q), spanParser);
    for (let row = 0; row < b.count; row++) p(b, row);
    assert.equal(spanParser.strCalls, 0, `${q}: no str with spans`);
    assert.equal(spanParser.spanCalls, b.count, `${q}: one span per row`);

    const strParser = new FakeParser(FIELDS, false);
    strParser.parse(b);
    const s = compilePredicate(whereExpr(q), strParser);
    for (let row = 0; row < b.count; row++) s(b, row);
    assert.equal(strParser.strCalls, b.count, `${q}: one str per row without spans`);
  }
});

test('numeric comparisons never decode strings', () => {
  const parser = new FakeParser(FIELDS, false);
  const b = batchOf(LINES);
  parser.parse(b);
  const p = compilePredicate(whereExpr('status >= 400 and bytes != 3 and time > "2015-05-17"'), parser);
  for (let row = 0; row < b.count; row++) p(b, row);
  assert.equal(parser.strCalls, 0);
});

test('compileValue: field values, null when missing, literals, conditions', () => {
  const parser = new FakeParser(FIELDS, true);
  const b = batchOf(LINES);
  parser.parse(b);
  const host = compileValue({ kind: 'field', name: 'host', computed: false, start: 0, end: 4 }, parser);
  const bytes = compileValue({ kind: 'field', name: 'bytes', computed: false, start: 0, end: 5 }, parser);
  const nope = compileValue({ kind: 'field', name: 'nope', computed: false, start: 0, end: 4 }, parser);
  const cond = compileValue({ kind: 'cond', expr: whereExpr('status >= 400'), start: 0, end: 0 }, parser);
  assert.deepEqual([0, 1, 2].map((r) => host(b, r)), ['a', 'b', 'c']);
  assert.deepEqual([0, 1, 2].map((r) => bytes(b, r)), [100, 0, null]);
  assert.equal(nope(b, 0), null);
  assert.deepEqual([0, 1, 2].map((r) => cond(b, r)), [false, true, true]);
  const lit = compileValue({ kind: 'number', value: 7, text: '7', start: 0, end: 1 }, parser);
  assert.equal(lit(b, 0), 7);
});

test('compileGroupKey: bin floors to UTC epoch multiples and keeps the record offset', () => {
  const parser = new FakeParser(FIELDS, true);
  const b = batchOf(LINES);
  parser.parse(b);
  const q = parseQuery('count by host, bin(time, 1h), bin(time, 5m)');
  const stage = q.stages[0]!;
  assert.ok(stage.kind === 'aggregate');
  const [hostKey, hour, five] = stage.groupBy.map((k) => compileGroupKey(k, parser));
  assert.equal(hostKey!(b, 3), 'ñandú');
  const h = hour!(b, 1);
  assert.ok(h instanceof Instant);
  assert.equal(h.ms, Date.UTC(2015, 4, 17, 8));
  assert.equal(h.offsetMinutes, 120);
  assert.equal(String(h), '2015-05-17T10:00:00+02:00');
  assert.equal(String(hour!(b, 3)), '2015-05-17T11:00:00Z');
  assert.equal(String(five!(b, 3)), '2015-05-17T11:55:00Z');
  assert.equal(String(five!(b, 1)), '2015-05-17T10:05:00+02:00');
});

test('compileGroupKey: bin over dynamic values (Instant, epoch ms, time text) and missing', () => {
  const dyn: FieldSpec[] = [{ name: 'ts', type: 'any' }];
  const parser = new FakeParser(dyn, false);
  const b = batchOf(['ts=1431856930000', 'ts=2015-05-17T10:02:10-04:00', 'x=1', 'ts=soon']);
  parser.parse(b);
  const stage = parseQuery('count by bin(ts, 1m)').stages[0]!;
  assert.ok(stage.kind === 'aggregate');
  const key = compileGroupKey(stage.groupBy[0]!, parser);
  assert.equal(String(key(b, 0)), '2015-05-17T10:02:00Z');
  assert.equal(String(key(b, 1)), '2015-05-17T10:02:00-04:00');
  assert.equal(key(b, 2), null);
  assert.equal(key(b, 3), null);
});
