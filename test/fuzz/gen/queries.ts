/**
 * Queries: grammar-based pipelines, token-level mutations of them, and hostile shapes (deep
 * nesting, long chains, huge numbers, catastrophic regular expressions over long runs of 'a').
 */
import type { CaseBuilder, Generator } from '../case.js';
import type { Rng } from '../prng.js';
import { runOptions } from './options.js';
import { joinLines, linesOf, type LineFormat } from './samples.js';

const ACCESS_FIELDS = ['host', 'ident', 'user', 'time', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes', 'referer', 'agent', 'request'];
const APP_FIELDS = ['time', 'level', 'message', 'thread', 'logger'];
const JSON_FIELDS = ['time', 'level', 'message', 'status', 'bytes', 'req.path', 'req.method', 'x', 'a.b', 'duration_ms', 'ts', 'msg'];
const ODD_FIELDS = ['nosuch', '@timestamp', 'a.b.c', '_', 'count', 'sum', 'by', 'bin', 'sort', 'head', 'top', 'where', 'fields', 'asc'];

export function fieldsFor(format: LineFormat): string[] {
  if (format === 'json' || format === 'logfmt') return JSON_FIELDS;
  if (format === 'applog') return APP_FIELDS;
  return ACCESS_FIELDS;
}

const NUMBERS = ['0', '1', '200', '404', '500', '-1', '0.5', '1e3', '1000000', '-0', '1e400', '-1e400', '99999999999999999999', '0.0000001', '4294967296', '9007199254740993'];
const STRINGS = ['"GET"', '"/api"', '"ERROR"', '""', '"\\""', "'single'", '"é"', '"a\\nb"', '"\\\\"', '"%"', '"timeout"', '"/"', '"\\u0041"'];
const TIMES = ['"2015-05-17T10:00:00Z"', '"2024-01-02"', '"2024-01-02 03:04:05"', '"not a time"', '"9999-12-31T23:59:59Z"', '"0000-01-01"', '"2024-13-45T25:61:61Z"', '"1700000000"', '"2024-01-02T03:04:05+99:99"'];
const REGEXES = ['/^\\/api/', '/err(or)?/i', '/\\d+/', '/[/', '/(?<x>/', '/a{2,}/u', '/x/g', '/x/y', '/x/z', '/./s', '/^$/m', '"^GET "', '/\\//', '/(a|b)*c/'];
const TEXT_OPS = ['contains', 'startswith', 'endswith'];
const COMPARE = ['==', '!=', '<', '<=', '>', '>='];
const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p99.9', 'p0', 'p100', 'p99.99', 'p1', 'P50', 'p101', 'p-1'];
const WIDTHS = ['5m', '1h', '1d', '30s', '0s', '1.5m', '1x', '0.0001s', '1000000d', '1e3m'];

/** Upper-cases keywords now and then (they are case-insensitive). */
function kw(rng: Rng, word: string): string {
  return rng.chance(0.1) ? word.toUpperCase() : word;
}

function field(rng: Rng, fields: readonly string[]): string {
  return rng.chance(0.08) ? rng.pick(ODD_FIELDS) : rng.pick(fields);
}

const ARITH = ['+', '-', '*', '/', '%'];
const FUNCTIONS = ['lower', 'upper', 'len', 'substr', 'replace', 'split', 'if', 'coalesce', 'now', 'nosuchfn'];

/** A value: a field, a literal, arithmetic, a function call or an element (some of them ill-typed). */
function value(rng: Rng, fields: readonly string[], depth = 0): string[] {
  if (depth > 2 || rng.chance(0.5)) return rng.chance(0.7) ? [field(rng, fields)] : [rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(STRINGS)];
  switch (rng.int(0, 4)) {
    case 0:
    case 1:
      return [...value(rng, fields, depth + 1), rng.pick(ARITH), ...value(rng, fields, depth + 1)];
    case 2: {
      const fn = rng.pick(FUNCTIONS);
      const args: string[] = [];
      for (let n = rng.int(0, 3); n > 0; n--) args.push(...value(rng, fields, depth + 1), ',');
      args.pop();
      return [fn, '(', ...args, ')'];
    }
    case 3:
      return ['split', '(', field(rng, fields), ',', rng.pick(STRINGS), ')', '[', rng.pick(['0', '1', '-1', '"x"']), ']'];
    default:
      return ['(', ...value(rng, fields, depth + 1), ')'];
  }
}

function predicate(rng: Rng, fields: readonly string[]): string[] {
  if (rng.chance(0.15)) return [...value(rng, fields), rng.pick(COMPARE), ...value(rng, fields)];
  const f = field(rng, fields);
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
    case 2:
      return [f, rng.pick(COMPARE), f === 'time' ? rng.pick(TIMES) : rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(STRINGS)];
    case 3:
      return [f, rng.pick(COMPARE), field(rng, fields)];
    case 4:
    case 5:
      return [f, kw(rng, rng.pick(TEXT_OPS)), rng.pick(STRINGS)];
    case 6:
      return [f, kw(rng, 'matches'), rng.pick(REGEXES)];
    case 7: {
      const values: string[] = [];
      for (let n = rng.int(1, 4); n > 0; n--) values.push(rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(STRINGS), ',');
      values.pop();
      return [f, ...(rng.chance(0.3) ? [kw(rng, 'not')] : []), kw(rng, 'in'), '(', ...values, ')'];
    }
    case 8:
      return [f];
    default:
      return [rng.pick(['true', 'false'])];
  }
}

export function expr(rng: Rng, fields: readonly string[], depth = 0): string[] {
  if (depth > 3 || rng.chance(0.45)) return predicate(rng, fields);
  switch (rng.int(0, 4)) {
    case 0:
      return [...expr(rng, fields, depth + 1), kw(rng, 'and'), ...expr(rng, fields, depth + 1)];
    case 1:
      return [...expr(rng, fields, depth + 1), kw(rng, 'or'), ...expr(rng, fields, depth + 1)];
    case 2:
      return [kw(rng, 'not'), ...expr(rng, fields, depth + 1)];
    default:
      return ['(', ...expr(rng, fields, depth + 1), ')'];
  }
}

function aggregateCall(rng: Rng, fields: readonly string[]): string[] {
  const fn = rng.weighted([
    [3, 'count'],
    [1, 'count()'],
    [2, 'sum'],
    [1, 'avg'],
    [1, 'min'],
    [1, 'max'],
    [1, 'count_distinct'],
    [2, rng.pick(PERCENTILES)],
    [1, rng.pick(['median', 'stddev', 'first', 'last', 'sample'])],
  ]);
  if (fn === 'count' || fn === 'count()') return [kw(rng, fn)];
  if (fn === 'count_distinct' && rng.chance(0.3)) return [kw(rng, fn), '(', field(rng, fields), ',', field(rng, fields), ')'];
  return [kw(rng, fn), '(', ...(rng.chance(0.2) ? value(rng, fields) : [field(rng, fields)]), ')'];
}

function groupKey(rng: Rng, fields: readonly string[]): string[] {
  if (rng.chance(0.15)) return value(rng, fields);
  if (rng.chance(0.3)) return [kw(rng, 'bin'), '(', rng.chance(0.9) ? 'time' : field(rng, fields), ',', rng.pick(WIDTHS), ')'];
  return [field(rng, fields)];
}

function aggregateStage(rng: Rng, fields: readonly string[]): string[] {
  const out = aggregateCall(rng, fields);
  for (let n = rng.int(0, 2); n > 0; n--) out.push(',', ...aggregateCall(rng, fields));
  if (rng.chance(0.6)) {
    out.push(kw(rng, 'by'), ...groupKey(rng, fields));
    for (let n = rng.int(0, 2); n > 0; n--) out.push(',', ...groupKey(rng, fields));
  }
  return out;
}

function rowCount(rng: Rng): string {
  return rng.weighted([
    [6, String(rng.int(0, 20))],
    [1, rng.pick(['-1', '1.5', '1e3', '99999999999999999999', '9007199254740991', 'ten'])],
  ]);
}

const COLUMNS = ['count', 'sum(bytes)', 'avg(bytes)', 'p99(bytes)', 'status', 'host', 'level', 'bin(time,5m)', 'count_distinct(url)'];

function afterAggregate(rng: Rng): string[] {
  switch (rng.int(0, 4)) {
    case 0:
      return [kw(rng, 'where'), rng.pick(COLUMNS), rng.pick(COMPARE), rng.pick(NUMBERS)];
    case 1:
      return [kw(rng, 'sort'), rng.pick(COLUMNS), ...(rng.chance(0.6) ? [kw(rng, rng.pick(['asc', 'desc']))] : [])];
    case 2:
      return [kw(rng, 'head'), rowCount(rng)];
    case 3:
      return [kw(rng, 'fields'), rng.pick(COLUMNS), ',', rng.pick(COLUMNS)];
    default:
      return [rng.pick(COLUMNS), rng.pick(COMPARE), rng.pick(NUMBERS)];
  }
}

function anyStage(rng: Rng, fields: readonly string[]): string[] {
  switch (rng.int(0, 9)) {
    case 0:
      return expr(rng, fields);
    case 1:
      return [kw(rng, 'where'), ...expr(rng, fields)];
    case 2:
      return aggregateStage(rng, fields);
    case 3:
      return [kw(rng, 'fields'), field(rng, fields), ...(rng.chance(0.5) ? [',', field(rng, fields)] : [])];
    case 4:
      return [kw(rng, 'sort'), field(rng, fields), ...(rng.chance(0.5) ? [kw(rng, rng.pick(['asc', 'desc']))] : [])];
    case 5:
      return [kw(rng, 'head'), rowCount(rng)];
    case 6:
      return [kw(rng, 'top'), ...(rng.chance(0.7) ? [rowCount(rng)] : []), field(rng, fields), ...(rng.chance(0.3) ? [kw(rng, 'by'), field(rng, fields)] : [])];
    case 7:
      return [kw(rng, 'let'), rng.pick(['kb', 'x', 'bytes', 'count']), '=', ...value(rng, fields)];
    case 8:
      return [kw(rng, 'fields'), 'v', '=', ...value(rng, fields), ',', field(rng, fields)];
    default:
      return [
        kw(rng, 'parse'),
        rng.pick(['/(?<a>\\w+) (?<b>\\S+)/', '"* *"', '/(?<a>x)/i', '/(a)/', '"*=*"']),
        ...(rng.chance(0.5) ? [kw(rng, 'from'), field(rng, fields)] : []),
        ...(rng.chance(0.5) ? [kw(rng, 'as'), 'a', ',', 'b'] : []),
        ...(rng.chance(0.3) ? [kw(rng, 'nodrop')] : []),
      ];
  }
}

/** A query as tokens: mostly well-formed pipelines, sometimes any stages in any order. */
export function queryTokens(rng: Rng, fields: readonly string[]): string[] {
  const stages: string[][] = [];
  switch (rng.int(0, 5)) {
    case 0:
      stages.push(expr(rng, fields));
      if (rng.chance(0.3)) stages.push([kw(rng, 'head'), rowCount(rng)]);
      break;
    case 1:
    case 2:
      if (rng.chance(0.5)) stages.push(expr(rng, fields));
      stages.push(aggregateStage(rng, fields));
      for (let n = rng.int(0, 2); n > 0; n--) stages.push(afterAggregate(rng));
      break;
    case 3:
      if (rng.chance(0.5)) stages.push(expr(rng, fields));
      stages.push([kw(rng, 'fields'), field(rng, fields), ',', field(rng, fields)]);
      if (rng.chance(0.5)) stages.push([kw(rng, 'sort'), field(rng, fields), kw(rng, 'desc')]);
      if (rng.chance(0.5)) stages.push([kw(rng, 'head'), rowCount(rng)]);
      break;
    case 4:
      stages.push([kw(rng, 'top'), rowCount(rng), field(rng, fields)]);
      break;
    default:
      for (let n = rng.int(1, 4); n > 0; n--) stages.push(anyStage(rng, fields));
  }
  const out: string[] = [];
  stages.forEach((s, i) => {
    if (i > 0) out.push('|');
    out.push(...s);
  });
  return out;
}

/** Joins tokens with single spaces, or none around punctuation now and then. */
export function joinTokens(rng: Rng, tokens: readonly string[]): string {
  const tight = rng.chance(0.2);
  let out = '';
  for (const t of tokens) {
    if (out.length > 0 && !(tight && /^[(),|]$/.test(t)) && !(tight && /[(,|]$/.test(out))) out += ' ';
    out += t;
  }
  return out;
}

const MUTATION_TOKENS = ['(', ')', '"', "'", '/', '|', ',', 'and', 'or', 'not', 'in', 'by', 'matches', '==', '=', '&&', '!', '~', '*', '-', '5m', 'count', 'bin(', '\\', '\t', '\n', '\u0000', '\ud800', '😀', '\u2028', '1e400'];

/** Deletes, duplicates, swaps or inserts tokens, or cuts the text, a few times over. */
export function mutateQuery(rng: Rng, tokens: string[]): string {
  const t = [...tokens];
  for (let k = rng.int(1, 3); k > 0; k--) {
    const at = rng.int(0, Math.max(0, t.length - 1));
    switch (rng.int(0, 5)) {
      case 0:
        t.splice(at, 1);
        break;
      case 1:
        if (t[at] !== undefined) t.splice(at, 0, t[at]!);
        break;
      case 2:
        if (at + 1 < t.length) [t[at], t[at + 1]] = [t[at + 1]!, t[at]!];
        break;
      case 3:
        t.splice(at, 0, rng.pick(MUTATION_TOKENS));
        break;
      case 4:
        t.splice(at, 0, String.fromCharCode(...rng.bytes(rng.int(1, 4))));
        break;
      default:
        t.push(rng.pick(['(', ')', '"', "'", '/', '|', '(((', '"unterminated', "'x", 'matches /a']));
    }
  }
  const text = joinTokens(rng, t);
  return rng.chance(0.2) ? text.slice(0, rng.int(0, text.length)) : text;
}

/** Lines whose messages and URLs hold long runs of 'a', for the regex shapes. */
function aRunsFile(rng: Rng, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 4; i++) {
    const run = 'a'.repeat(n + i);
    lines.push(`2024-01-02T03:04:0${i}Z ERROR ${run}!`);
  }
  return rng.chance(0.5) ? lines.join('\n') + '\n' : lines.reverse().join('\n') + '\n';
}

/*
 * Hostile sizes come from a few decades, not a continuum: a size near a limit (the stack depth
 * that overflows, the length that takes about the budget) would make the verdict depend on the
 * machine and on how warm the JIT is (optimised code has smaller frames: a warm worker takes
 * 4,600 parentheses where the cold CLI overflows at 1,840). The large sizes are several times
 * the cold limits; the minimiser bisects to the limit itself.
 */
function hostile(b: CaseBuilder, shape: string, inputs: string[], pred: string): string {
  const rng = b.rng;
  switch (shape) {
    case 'deep-parens': {
      const n = b.scaled('depth', rng.pick([50, 300, 10000, 20000]));
      return '('.repeat(n) + pred + ')'.repeat(n);
    }
    case 'unclosed-parens': {
      const n = b.scaled('depth', rng.pick([50, 300, 10000, 20000]));
      return '('.repeat(n) + pred;
    }
    case 'not-chain': {
      const n = b.scaled('count', rng.pick([100, 1000, 20000, 30000]));
      return 'not '.repeat(n) + pred;
    }
    case 'not-paren-chain': {
      const n = b.scaled('depth', rng.pick([50, 500, 8000, 12000]));
      return '(not '.repeat(n) + pred + ')'.repeat(n);
    }
    case 'and-or-chain': {
      // One-letter terms, so that 20,000 of them still fit on a command line.
      const n = b.scaled('terms', rng.pick([300, 3000, 20000, 21000]));
      const op = rng.pick(['and', 'or', 'mixed']);
      const terms: string[] = [pred];
      for (let i = 1; i < n; i++) terms.push(op === 'mixed' ? (i % 2 ? 'and' : 'or') : op, rng.pick(['a', 'b', 'c']));
      return terms.join(' ');
    }
    case 'long-in-list': {
      const n = b.scaled('values', rng.pick([100, 1000, 5000, 15000]));
      const values: string[] = [];
      for (let i = 0; i < n; i++) values.push(rng.chance(0.8) ? String(i) : `"${i}"`);
      return `status in (${values.join(',')})`;
    }
    case 'many-stages': {
      const n = b.scaled('stages', rng.pick([100, 500, 3000, 6000]));
      const stage = rng.pick(['head 10', 'where status > 0', 'status > 0', 'fields status']);
      return Array.from({ length: n }, () => stage).join(' | ');
    }
    case 'many-aggregates': {
      const n = b.scaled('count', rng.pick([20, 200, 2000, 5000]));
      const call = rng.pick(['count', 'sum(bytes)', 'p99(bytes)', 'count_distinct(host)']);
      return rng.chance(0.5)
        ? Array.from({ length: n }, () => call).join(', ')
        : `count by ${Array.from({ length: n }, (_, i) => (i % 2 ? 'host' : 'status')).join(', ')}`;
    }
    case 'huge-numbers':
      return rng.pick([
        'bytes > 1e400',
        'bytes < -1e400',
        'status == 99999999999999999999',
        'head 99999999999999999999',
        'top 99999999999999999999 host',
        'top 1e400 host',
        'p99.99999999999999999999(bytes)',
        'count by bin(time, 1e400m)',
        'count by bin(time, 99999999999999999999d)',
        'count by bin(time, 0.000000000001s)',
        `bytes > ${'9'.repeat(400)}`,
        `bytes > 0.${'0'.repeat(400)}1`,
        'sum(bytes) | where sum(bytes) > 1e308',
        'status in (1e400, -1e400, 99999999999999999999)',
        `p${'9'.repeat(50)}(bytes)`,
      ]);
    case 'long-literals': {
      const n = b.scaled('length', rng.pick([1000, 10_000, 60_000, 120_000]));
      return rng.pick([
        `message contains "${'x'.repeat(n)}"`,
        `${'f'.repeat(n)} == 1`,
        `message matches /${'a'.repeat(n)}/`,
        `message == "${'\\"'.repeat(n >> 1)}"`,
      ]);
    }
    case 'catastrophic-regex': {
      // Run lengths chosen so that each regex needs minutes, far beyond any budget.
      const [re, lo, hi] = rng.pick([
        ['/(a+)+$/', 30, 40],
        ['/(a|aa)*$/', 46, 60],
        ['/(a*)*b/', 30, 40],
        ['/^(a|a?)+$/', 30, 40],
        ['/(.*a){12}x/', 34, 44],
        ['/(\\w+\\s?)+$/', 30, 40],
      ] as const);
      const n = b.scaled('run', rng.int(lo, hi));
      inputs.length = 0; // only the file of long runs, so that nothing stops the regex earlier
      inputs.push(b.file('aaa.log', aRunsFile(rng, n)));
      return `message matches ${re}`;
    }
    default:
      throw new Error(`unknown hostile query shape ${shape}`);
  }
}

/** The small fixed inputs queries run over. */
function queryInputs(b: CaseBuilder): { inputs: string[]; format: LineFormat } {
  const rng = b.rng;
  const format = rng.pick<LineFormat>(['combined', 'combined', 'common', 'json', 'logfmt', 'applog']);
  const name = format === 'json' ? 'q.json' : `q-${format}.log`;
  const inputs = [b.file(name, joinLines(rng, linesOf(rng, format, rng.int(0, 25))))];
  if (rng.chance(0.15)) {
    const other = rng.pick<LineFormat>(['combined', 'json', 'applog']);
    inputs.push(b.file(`other-${other}.log`, joinLines(rng, linesOf(rng, other, rng.int(1, 10)))));
  }
  return { inputs, format };
}

export const queriesGenerator: Generator = {
  kind: 'queries',
  hostileShapes: [
    'deep-parens', 'not-chain', 'catastrophic-regex', 'and-or-chain', 'not-paren-chain', 'unclosed-parens',
    'huge-numbers', 'long-in-list', 'many-stages', 'many-aggregates', 'long-literals',
  ],
  generate(b, hostileShape) {
    const rng = b.rng;
    const { inputs, format } = queryInputs(b);
    const fields = fieldsFor(format);
    // The regex shapes run with no options: a small --max-line-length would hide the hang.
    const options = hostileShape === 'catastrophic-regex' ? [] : runOptions(rng);
    if (rng.chance(0.15) && hostileShape !== 'catastrophic-regex') options.push('--format', rng.pick([format, 'combined', 'json', 'applog', 'logfmt']));
    let query: string;
    if (hostileShape !== null) {
      b.shape = `hostile:${hostileShape}`;
      const pred = joinTokens(rng, predicate(rng, fields));
      query = hostile(b, hostileShape, inputs, hostileShape === 'deep-parens' || hostileShape === 'not-chain' ? 'status == 1' : pred);
    } else if (rng.chance(0.6)) {
      b.shape = 'grammar';
      query = joinTokens(rng, queryTokens(rng, fields));
    } else {
      b.shape = 'mutation';
      query = mutateQuery(rng, queryTokens(rng, fields));
    }
    b.setQuery(query, options, inputs);
  },
};
