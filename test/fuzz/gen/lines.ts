/**
 * Input lines: valid lines of every format and mutations of them (truncation, random and invalid
 * UTF-8 bytes, CRLF, quotes), plus hostile shapes: JSON nested thousands deep, numbers and times
 * out of range, over-long lines with a small --max-line-length, lines with 100,000 fields.
 */
import type { CaseBuilder, Generator } from '../case.js';
import { runOptions } from './options.js';
import { fieldsFor, joinTokens, queryTokens } from './queries.js';
import { LINE_FORMATS, joinLines, lineOf, mutateLine, type LineFormat } from './samples.js';

const QUERIES: Readonly<Record<'access' | 'app' | 'json', readonly string[]>> = {
  access: ['count', 'count by status', 'sum(bytes)', 'status >= 500', 'p99(bytes) by method', 'count by bin(time, 5m)', 'top 3 host', 'fields time, url | sort time desc | head 2', '', 'min(time), max(time)'],
  app: ['count', 'level == "ERROR"', 'count by level', 'count by bin(time, 1h)', 'message contains "a"', 'fields time, level | head 3', '', 'max(time)'],
  json: ['count', 'count by level', 'sum(bytes)', 'status >= 400', 'req.path startswith "/api"', 'count by bin(time, 1d)', 'x > 0', 'a.b == 1', '', 'avg(bytes) by status', 'fields time, x, a'],
};

function queriesFor(format: LineFormat): readonly string[] {
  if (format === 'json' || format === 'logfmt') return QUERIES.json;
  if (format === 'applog') return QUERIES.app;
  return QUERIES.access;
}

function nestedObject(depth: number, key: string, leaf: string): string {
  return `{"${key}":`.repeat(depth) + leaf + '}'.repeat(depth);
}

function hostileLines(b: CaseBuilder, shape: string): { lines: (string | Buffer)[]; format: LineFormat; options: string[] } {
  const rng = b.rng;
  switch (shape) {
    case 'deep-json-object': {
      const depth = b.scaled('depth', rng.pick([300, 2000, 20000, 50000]));
      const deep = nestedObject(depth, rng.pick(['a', 'status', 'message']), rng.pick(['1', '"x"', 'null', '[]']));
      const lines = [lineOf(rng, 'json'), deep, lineOf(rng, 'json')];
      return { lines: rng.chance(0.5) ? lines : [deep], format: 'json', options: rng.chance(0.5) ? ['--format', 'json'] : [] };
    }
    case 'deep-json-array': {
      const depth = b.scaled('depth', rng.pick([300, 2000, 20000, 50000]));
      const arr = '['.repeat(depth) + ']'.repeat(depth);
      const line = rng.chance(0.5) ? arr : `{"time":"2024-01-02T03:04:05Z","level":"INFO","a":${arr}}`;
      return { lines: [lineOf(rng, 'json'), line], format: 'json', options: rng.chance(0.7) ? ['--format', 'json'] : [] };
    }
    case 'deep-json-mixed': {
      const depth = b.scaled('depth', rng.pick([200, 1000, 10000, 20000]));
      const line = '{"a":['.repeat(depth) + '1' + ']}'.repeat(depth);
      return { lines: [line], format: 'json', options: ['--format', 'json'] };
    }
    case 'huge-numbers': {
      const values = ['1e400', '-1e400', '99999999999999999999', '1e-400', '123456789012345678901234567890', '-0', '4e-324', '1.7976931348623157e308', `1${'0'.repeat(400)}`];
      const lines = values.map((v) => `{"time":${rng.pick([v, '"2024-01-02T03:04:05Z"'])},"status":${v},"bytes":${v},"level":"INFO","x":${v}}`);
      return { lines, format: 'json', options: [] };
    }
    case 'times-out-of-range': {
      const times = ['9999-99-99T99:99:99Z', '+275760-09-13T00:00:01Z', '-271821-04-19T23:59:59Z', '0000-00-00 00:00:00', '2024-02-30T00:00:00Z', '2024-01-02T24:00:00Z', '2024-01-02T03:04:05+99:99', '99999999999999999999', '1e400', '-1'];
      const t = rng.pick(times);
      const format = rng.pick<LineFormat>(['json', 'applog', 'logfmt', 'combined']);
      const line =
        format === 'json' ? `{"time":${/^[-0-9e]+$/.test(t) ? t : JSON.stringify(t)},"level":"INFO","message":"m","status":200,"bytes":1}`
        : format === 'applog' ? `${t} ERROR boom`
        : format === 'logfmt' ? `ts=${t} level=info msg=x status=200`
        : `1.2.3.4 - - [${rng.pick(['99/Foo/99999:99:99:99 +9999', '31/Feb/2024:00:00:00 +0000', '01/Jan/0000:00:00:00 -2400', '01/Jan/275760:00:00:00 +0000', '01/Jan/2024:00:00:00 +99999'])}] "GET / HTTP/1.0" 200 1`;
      return { lines: [lineOf(rng, format), line, line], format, options: rng.chance(0.5) ? ['--format', format] : [] };
    }
    case 'over-long-line': {
      const length = b.scaled('length', rng.logInt(10_000, 3_000_000));
      const format = rng.pick(LINE_FORMATS);
      const long = rng.pick(['x', 'a', '"', '{', ' ', '\\']).repeat(length);
      const line = rng.chance(0.5) ? long : lineOf(rng, format) + long;
      const options = ['--max-line-length', String(rng.pick([1, 2, 10, 100, 4096, length - 1, length]))];
      return { lines: [lineOf(rng, format), line, lineOf(rng, format)], format, options };
    }
    case 'many-fields': {
      const n = b.scaled('fields', rng.pick([1000, 10_000, 200_000]));
      const json = rng.chance(0.5);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(json ? `"k${i}":${i}` : `k${i}=${i}`);
      return { lines: [json ? `{${parts.join(',')}}` : parts.join(' ')], format: json ? 'json' : 'logfmt', options: [] };
    }
    case 'binary-noise': {
      const lines: Buffer[] = [];
      for (let n = rng.int(1, 20); n > 0; n--) lines.push(rng.bytes(rng.logInt(0, 5000)));
      return { lines, format: rng.pick(LINE_FORMATS), options: [] };
    }
    default:
      throw new Error(`unknown hostile lines shape ${shape}`);
  }
}

export const linesGenerator: Generator = {
  kind: 'lines',
  hostileShapes: ['deep-json-object', 'deep-json-array', 'over-long-line', 'huge-numbers', 'times-out-of-range', 'deep-json-mixed', 'many-fields', 'binary-noise'],
  generate(b, hostileShape) {
    const rng = b.rng;
    let lines: (string | Buffer)[];
    let format: LineFormat;
    let extra: string[] = [];
    if (hostileShape !== null) {
      b.shape = `hostile:${hostileShape}`;
      ({ lines, format, options: extra } = hostileLines(b, hostileShape));
    } else {
      format = rng.pick(LINE_FORMATS);
      lines = [];
      const mutateRate = rng.pick([0, 0.1, 0.3, 1]);
      b.shape = mutateRate === 0 ? 'valid' : 'mutation';
      for (let n = rng.logInt(1, 60); n > 0; n--) {
        const other = rng.chance(0.05) ? rng.pick(LINE_FORMATS) : format;
        const line = Buffer.from(lineOf(rng, other));
        lines.push(rng.chance(mutateRate) ? mutateLine(rng, rng.chance(0.3) ? mutateLine(rng, line) : line) : line);
      }
      if (rng.chance(0.2)) extra = ['--format', rng.chance(0.7) ? format : rng.pick([...LINE_FORMATS, 'clf', 'nginx', 'JSON', 'bogus'])];
    }
    // Hostile lines get plain queries and no --max-line-length of chance (over-long-line sets its
    // own), so that nothing stops the run before the hostile line is read.
    const drawn = runOptions(rng);
    const cut = drawn.indexOf('--max-line-length');
    if (hostileShape !== null && cut >= 0) drawn.splice(cut, 2);
    const options = [...drawn, ...extra];
    const plain = hostileShape !== null || rng.chance(0.8);
    const query = plain ? rng.pick(queriesFor(format)) : joinTokens(rng, queryTokens(rng, fieldsFor(format)));
    const name = rng.pick(['in.log', format === 'json' ? 'in.json' : 'in.txt', 'in.log.1']);
    const data = joinLines(rng, lines);
    b.setQuery(query, options, [b.file(name, data)]);
  },
};
