/**
 * Format strings given with --format: mutations of Apache LogFormat and nginx log_format strings,
 * over lines rendered from the (mutated) format so that they mostly match, plus hostile shapes
 * (many adjacent text fields over lines full of quotes, thousands of directives).
 */
import type { CaseBuilder, Generator } from '../case.js';
import type { Rng } from '../prng.js';
import { runOptions } from './options.js';
import { joinTokens, queryTokens } from './queries.js';
import { bytes, clfTime, host, isoTime, joinLines, mutateLine, request, status } from './samples.js';

const APACHE = [
  '%h %l %u %t "%r" %>s %b',
  '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
  '%h %l %u %t "%r" %>s %b %D',
  '%a %{%Y-%m-%d %H:%M:%S}t %m %U%q %H %s %B %T',
  '%h %{sec}t "%r" %s %b %{ms}T %{X-Forwarded-For}i',
  '%{c}a %A %V %p %P %{tid}P %k %X %L "%{Cookie}C" %{FOO}e %I %O %S',
];

const NGINX = [
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  '$remote_addr [$time_iso8601] "$request" $status $bytes_sent $request_time $upstream_response_time',
  '${remote_addr} $msec $request_method $request_uri $status ${request_length}B',
  '$host $server_port "$http_x_forwarded_for" $upstream_addr $upstream_status $gzip_ratio',
];

const APACHE_TOKEN = /%[<>!,0-9]*(?:\{[^}]*\})?[a-zA-Z%]|[^%]+|%/g;
const NGINX_TOKEN = /\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[^$]+|\$/g;

const ODD_DIRECTIVES = [
  '%Z', '%{', '%{x', '%', '%%', '%>', '%400,501{User-Agent}i', '%!200h', '%{c}a', '%{begin:%d/%b/%Y}t', '%{%Q}t',
  '%{sec}t', '%{msec}t', '%{usec}t', '%{msec_frac}t', '%{VAR}e', '%{X}C', '%{}i', '%{ }i', '%{%s}t', '%{end:}t',
  '%{%}t', '%{hextid}P', '%{remote}p', '%{us}T', '%>>>>s', '%999999999999999999999s',
  '$', '${', '${x', '${}', '$1', '$$', '$time_local$status', '$upstream_bytes_received', '${a b}', '$http_',
];
const LITERALS = ['"', '[', ']', ' ', '  ', '\\"', '\\', '\\t', '\\n', '\t', '\n', ':', '-', '"-"', '%%', '\u00e9', '\u0000'];

interface Template {
  readonly apache: boolean;
  readonly tokens: string[];
}

function tokenize(format: string, apache: boolean): string[] {
  return format.match(apache ? APACHE_TOKEN : NGINX_TOKEN) ?? [];
}

function mutateFormat(rng: Rng, t: Template): Template {
  const tokens = [...t.tokens];
  for (let k = rng.int(1, 3); k > 0; k--) {
    const at = rng.int(0, Math.max(0, tokens.length - 1));
    switch (rng.int(0, 6)) {
      case 0:
        tokens.splice(at, 1);
        break;
      case 1:
        if (tokens[at] !== undefined) tokens.splice(at, 0, tokens[at]!);
        break;
      case 2:
        if (at + 1 < tokens.length) [tokens[at], tokens[at + 1]] = [tokens[at + 1]!, tokens[at]!];
        break;
      case 3:
        tokens.splice(at, 0, rng.pick(ODD_DIRECTIVES));
        break;
      case 4:
        tokens.splice(at, 0, rng.pick(LITERALS));
        break;
      case 5:
        tokens.splice(at, 0, String.fromCharCode(...rng.bytes(rng.int(1, 3))));
        break;
      default: {
        const text = tokens.join('');
        return { apache: t.apache, tokens: tokenize(text.slice(0, rng.int(0, text.length)), t.apache) };
      }
    }
  }
  return { apache: t.apache, tokens };
}

/** A value for one directive or variable, roughly as a server would write it. */
function render(rng: Rng, token: string): string {
  const d = /^%[<>!,0-9]*(?:\{([^}]*)\})?([a-zA-Z])$/.exec(token);
  const n = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(token);
  if (!d && !n) return token.replace(/\\"/g, '"').replace(/%%/g, '%');
  if (d) {
    const [, arg, letter] = d;
    switch (letter) {
      case 'h': case 'a': case 'A':
        return host(rng);
      case 'l': case 'u':
        return rng.pick(['-', 'frank']);
      case 't':
        if (arg === 'sec') return String(rng.int(0, 2e9));
        if (arg === 'msec' || arg === 'usec') return String(rng.int(0, 2e9) * 1000);
        if (arg && arg.includes('%')) return isoTime(rng).replace('T', ' ').slice(0, 19);
        return `[${clfTime(rng)}]`;
      case 'r':
        return request(rng);
      case 'm':
        return rng.pick(['GET', 'POST']);
      case 'U':
        return rng.pick(['/', '/a/b', '/x.png']);
      case 'q':
        return rng.pick(['', '?a=1']);
      case 'H':
        return 'HTTP/1.1';
      case 's':
        return String(status(rng));
      case 'b':
        return bytes(rng);
      case 'i': case 'o':
        return rng.pick(['-', 'Mozilla/5.0 (X11)', 'a "quoted" b', 'http://x/']);
      case 'v': case 'V':
        return rng.pick(['www.example.com', 'x']);
      default:
        return String(rng.logInt(0, 100000));
    }
  }
  const name = n![1]!;
  if (name === 'remote_addr') return host(rng);
  if (name === 'remote_user') return rng.pick(['-', 'frank']);
  if (name === 'time_local') return clfTime(rng);
  if (name === 'time_iso8601') return isoTime(rng);
  if (name === 'msec') return `${rng.int(0, 2e9)}.${rng.int(100, 999)}`;
  if (name === 'request') return request(rng);
  if (name === 'status' || name.endsWith('_status')) return String(status(rng));
  if (name.endsWith('_time')) return rng.pick(['0.123', '-', '0.1, 0.2', '0.5 : 0.25']);
  if (name.startsWith('http_')) return rng.pick(['-', 'Mozilla/5.0 (X11)', 'a "quoted" b']);
  if (name.includes('bytes') || name.includes('length') || name === 'server_port') return bytes(rng);
  return rng.pick(['x', '-', '1.5', 'a.b']);
}

function renderLine(rng: Rng, t: Template): string {
  return t.tokens.map((token) => render(rng, token)).join('');
}

const SIMPLE_QUERIES = [
  'count', 'count by status', 'sum(bytes)', 'status >= 400', 'time >= "2000-01-01T00:00:00Z" | count',
  'count by bin(time, 1h)', 'fields host, time | head 3', 'p99(bytes), avg(bytes) by method', 'top 3 url', 'host == "-"',
  'count_distinct(agent)', 'duration_us > 10', 'request_time > 0.1 | count', 'upstream_response_time > 0', 'http_x_forwarded_for contains "a"',
];
const FORMAT_FIELDS = ['host', 'time', 'status', 'bytes', 'request', 'method', 'url', 'path', 'agent', 'referer', 'duration_us', 'request_time', 'vhost', 'port'];

function hostileFormat(b: CaseBuilder, shape: string): { format: string; lines: string[] } {
  const rng = b.rng;
  switch (shape) {
    case 'adjacent-text-fields': {
      const k = b.scaled('fields', rng.int(8, 40));
      const sep = rng.pick([' ', '', '" "', ':']);
      const quoted = rng.chance(0.7);
      const field = (i: number): string => (quoted ? `"%{H${i}}i"` : `%{H${i}}i`);
      const format = Array.from({ length: k }, (_, i) => field(i)).join(sep);
      // Lines full of the separators and quotes the matcher could try at every position.
      const unit = rng.pick(['" "', '"', ' ', '\\" ', '"x" ', ':" ']);
      const lines = [unit.repeat(k * rng.int(1, 4)) + rng.pick(['', 'x', '"', '\\']), `"${'a" "'.repeat(k + 3)}`];
      return { format, lines };
    }
    case 'adjacent-tokens': {
      const k = b.scaled('fields', rng.int(8, 60));
      const format = Array.from({ length: k }, (_, i) => rng.pick(['%h', '%u', '%l', '%{X}e', '%{c}a', '%v']) + (i % 3 === 0 ? '' : rng.pick(['', ' ', '-']))).join('');
      const lines = [rng.pick(['a', 'a-', 'a ', '-']).repeat(k * 3) + '!', 'x'.repeat(k * 10)];
      return { format, lines };
    }
    case 'many-directives': {
      const k = b.scaled('directives', rng.pick([100, 1000, 10000]));
      const nginx = rng.chance(0.5);
      const format = nginx ? Array.from({ length: k }, () => '$status').join(' ') : Array.from({ length: k }, () => '%s').join(' ');
      const lines = [Array.from({ length: k }, () => '200').join(' '), Array.from({ length: k - 1 }, () => '200').join(' ')];
      return { format, lines };
    }
    case 'long-format': {
      const k = b.scaled('length', rng.pick([1_000, 10_000, 100_000]));
      const format = `%h ${'x'.repeat(k)} %s`;
      return { format, lines: [`1.2.3.4 ${'x'.repeat(k)} 200`, '1.2.3.4 x 200'] };
    }
    case 'strftime-heavy': {
      const k = b.scaled('specifiers', rng.int(100, 5000));
      const spec = Array.from({ length: k }, () => rng.pick(['%Y', '%m', '%d', '%H', '%M', '%S', '%b', '%z', '%%', '%j', '%s', '%e', '%Q'])).join(rng.pick(['', '-', ' ']));
      return { format: `%h %{${spec}}t %s`, lines: ['1.2.3.4 2024-01-02 200', `1.2.3.4 ${'2024'.repeat(k)} 200`] };
    }
    case 'pattern-or-regex': {
      // pattern: and regex: formats from pieces, well formed or not: errors must be one caret message.
      const k = b.scaled('pieces', rng.int(1, 12));
      const regex = rng.chance(0.4);
      const pieces = regex
        ? ['(?<a>', '(?<b>', ')', '\\S+', '\\w*', '(x+)+', '.*', ' ', '[', '\\1', '(?=x)', '$', '^', '{2}', 'ü']
        : ['%{a}', '%{b:int}', '%{c:word}', '%{d:number}', '%{t:yy/MM/dd HH:mm:ss}', '%{u:%Y-%m-%d}', '%{time}', ' ', ': ', '[', ']', '%', '%{', '}', '%%', '%{e:qq}'];
      const body = Array.from({ length: k }, () => rng.pick(pieces)).join('');
      const lines = [
        'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxy',
        '17/06/09 20:10:40 INFO a.B: msg 42 1.5',
        `${rng.pick(['2024-01-02', 'a', '7'])} ${'x '.repeat(rng.int(0, 20))}: [z]`,
      ];
      return { format: `${regex ? 'regex:' : 'pattern:'}${body}`, lines };
    }
    default:
      throw new Error(`unknown hostile format shape ${shape}`);
  }
}

export const formatsGenerator: Generator = {
  kind: 'formats',
  hostileShapes: ['adjacent-text-fields', 'many-directives', 'adjacent-tokens', 'long-format', 'strftime-heavy', 'pattern-or-regex'],
  generate(b, hostileShape) {
    const rng = b.rng;
    let format: string;
    let lines: (string | Buffer)[];
    if (hostileShape !== null) {
      b.shape = `hostile:${hostileShape}`;
      ({ format, lines } = hostileFormat(b, hostileShape));
    } else {
      const apache = rng.chance(0.55);
      const base: Template = { apache, tokens: tokenize(rng.pick(apache ? APACHE : NGINX), apache) };
      const mutated = rng.chance(0.7);
      b.shape = mutated ? 'mutation' : 'valid';
      const t = mutated ? mutateFormat(rng, base) : base;
      format = t.tokens.join('');
      // Lines of the mutated format, of the original one, and mutations of either.
      lines = [];
      for (let n = rng.int(1, 12); n > 0; n--) {
        const line = renderLine(rng, rng.chance(0.8) ? t : base);
        lines.push(rng.chance(0.25) ? mutateLine(rng, Buffer.from(line)) : line);
      }
      if (rng.chance(0.1)) {
        b.shape = 'format-edit';
        format = rng.pick([' ', '', '%', '$', format.toUpperCase(), `${format}\n`, `  ${format}  `]);
      }
    }
    const options = runOptions(rng);
    const query = rng.chance(0.7) ? rng.pick(SIMPLE_QUERIES) : joinTokens(rng, queryTokens(rng, FORMAT_FIELDS));
    const input = b.file('f.log', joinLines(rng, lines));
    b.setQuery(query, [...options, '--format', format], [input]);
  },
};
