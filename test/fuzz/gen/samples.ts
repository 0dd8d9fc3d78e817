/**
 * Plausible log lines of every format logsift knows, and the byte-level mutations the
 * generators share. Everything is drawn from the Rng passed in.
 */
import type { Rng } from '../prng.js';

export const LINE_FORMATS = ['common', 'combined', 'vhost_combined', 'json', 'logfmt', 'applog'] as const;
export type LineFormat = (typeof LINE_FORMATS)[number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', '-', 'get', 'BREW'];
const PATHS = ['/', '/index.html', '/api/v1/users', '/api/v2/items/42', '/img/logo.png', '/robots.txt', '/a b', '/%7Euser/', '/search'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8.0.1', '-', 'Googlebot/2.1 (+http://www.google.com/bot.html)', ''];
const LEVELS = ['INFO', 'WARN', 'ERROR', 'DEBUG', 'TRACE', 'FATAL', 'WARNING', 'CRITICAL', 'error', 'info'];
const WORDS = ['timeout', 'connection refused', 'ok', 'started', 'user=42', 'a', 'ü', '"quoted"', 'x=1 y=2', 'é€😀'];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function host(rng: Rng): string {
  return rng.weighted([
    [6, `${rng.int(1, 254)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`],
    [2, rng.pick(['localhost', 'example.com', 'a.b.c.d', 'host-1', '::1', '2001:db8::1'])],
    [1, '-'],
  ]);
}

export function clfTime(rng: Rng): string {
  const zone = `${rng.pick(['+', '-'])}${pad(rng.int(0, 14))}${pad(rng.pick([0, 30, 45]))}`;
  return `${pad(rng.int(1, 28))}/${rng.pick(MONTHS)}/${rng.int(1995, 2030)}:${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))} ${zone}`;
}

export function isoTime(rng: Rng): string {
  const date = `${rng.int(1970, 2038)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
  const sep = rng.pick(['T', ' ']);
  const frac = rng.pick(['', '.123', ',456', '.123456789']);
  const zone = rng.pick(['Z', '', '+01:00', '-0500', '+05:30']);
  return `${date}${sep}${pad(rng.int(0, 23))}:${pad(rng.int(0, 59))}:${pad(rng.int(0, 59))}${frac}${zone}`;
}

export function request(rng: Rng): string {
  const query = rng.chance(0.3) ? `?q=${rng.int(0, 999)}&x=${rng.pick(['a', 'b%20c', ''])}` : '';
  return rng.weighted([
    [8, `${rng.pick(METHODS)} ${rng.pick(PATHS)}${query} ${rng.pick(['HTTP/1.0', 'HTTP/1.1', 'HTTP/2.0'])}`],
    [1, `${rng.pick(METHODS)} ${rng.pick(PATHS)}`],
    [1, '-'],
  ]);
}

export function status(rng: Rng): number {
  return rng.pick([200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404, 500, 502, 503, 499]);
}

export function bytes(rng: Rng): string {
  return rng.chance(0.15) ? '-' : String(rng.logInt(0, 10_000_000));
}

export function accessLine(rng: Rng, format: 'common' | 'combined' | 'vhost_combined'): string {
  const common = `${host(rng)} - ${rng.pick(['-', 'frank', 'a b'])} [${clfTime(rng)}] "${request(rng)}" ${status(rng)} ${bytes(rng)}`;
  if (format === 'common') return common;
  const tail = ` "${rng.pick(['-', 'http://example.com/', 'https://a.b/?x="y"'])}" "${rng.pick(AGENTS)}"`;
  if (format === 'combined') return common + tail;
  return `${rng.pick(['www.example.com', 'a', 'x.y'])}:${rng.pick([80, 443, 8080])} ${common}${tail}`;
}

export function jsonValue(rng: Rng, depth = 0): unknown {
  const kind = depth > 2 ? rng.int(0, 3) : rng.int(0, 5);
  switch (kind) {
    case 0:
      return rng.int(-1000, 100000);
    case 1:
      return rng.pick(WORDS);
    case 2:
      return rng.pick([true, false, null, 0.5, -0, 1e21]);
    case 3:
      return isoTime(rng);
    case 4:
      return [jsonValue(rng, depth + 1), jsonValue(rng, depth + 1)];
    default:
      return { a: jsonValue(rng, depth + 1), b: jsonValue(rng, depth + 1) };
  }
}

export function jsonLine(rng: Rng): string {
  const o: Record<string, unknown> = {};
  const timeKey = rng.pick(['time', 'ts', '@timestamp', 'timestamp', 'date']);
  o[timeKey] = rng.weighted<string | number>([
    [6, isoTime(rng)],
    [1, rng.int(0, 2_000_000_000)],
    [1, rng.int(0, 2_000_000_000) * 1000],
  ]);
  if (rng.chance(0.8)) o[rng.pick(['level', 'lvl', 'severity'])] = rng.pick(LEVELS);
  if (rng.chance(0.8)) o[rng.pick(['message', 'msg'])] = rng.pick(WORDS);
  if (rng.chance(0.5)) o['status'] = rng.chance(0.8) ? status(rng) : String(status(rng));
  if (rng.chance(0.5)) o['bytes'] = rng.logInt(0, 1_000_000);
  if (rng.chance(0.4)) o['req'] = { path: rng.pick(PATHS), method: rng.pick(METHODS) };
  if (rng.chance(0.3)) o[rng.pick(['x', 'a.b', '', 'duration_ms'])] = jsonValue(rng);
  return JSON.stringify(o);
}

export function logfmtLine(rng: Rng): string {
  const parts = [`${rng.pick(['ts', 'time', 'timestamp'])}=${rng.chance(0.8) ? isoTime(rng).replace(' ', 'T') : rng.int(0, 2e9)}`];
  parts.push(`level=${rng.pick(LEVELS)}`);
  parts.push(`msg=${rng.chance(0.5) ? JSON.stringify(rng.pick(WORDS)) : 'plain'}`);
  if (rng.chance(0.5)) parts.push(`status=${status(rng)}`);
  if (rng.chance(0.5)) parts.push(`took=${rng.int(0, 5000) / 10}`);
  if (rng.chance(0.3)) parts.push(rng.pick(['debug', 'empty=', 'path=/a=b', 'q="a \\" b"']));
  return parts.join(' ');
}

export function applogLine(rng: Rng): string {
  const time = isoTime(rng);
  const level = rng.pick(LEVELS);
  const message = rng.pick(WORDS);
  return rng.pick([
    `${time} ${level} ${message}`,
    `${time} ${level} [${rng.pick(['main', 'worker-1', 'pool-1 thread-3'])}] com.example.Foo - ${message}`,
    `${time} [main] ${level}  com.example.Bar - ${message}`,
    `[${time}] [${level}] ${message}`,
    `${time} - app.db - ${level} - ${message}`,
  ]);
}

export function lineOf(rng: Rng, format: LineFormat): string {
  switch (format) {
    case 'common':
    case 'combined':
    case 'vhost_combined':
      return accessLine(rng, format);
    case 'json':
      return jsonLine(rng);
    case 'logfmt':
      return logfmtLine(rng);
    case 'applog':
      return applogLine(rng);
  }
}

export function linesOf(rng: Rng, format: LineFormat, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(lineOf(rng, format));
  return out;
}

/** Byte sequences that are not valid UTF-8, or are unusual in other ways. */
const ODD_BYTES: readonly number[][] = [
  [0xff], [0xfe, 0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82],
  [0x00], [0x0d], [0x1b, 0x5b, 0x33, 0x31, 0x6d], [0xef, 0xbb, 0xbf], [0xe2, 0x80, 0xa8], [0x22], [0x5c], [0x5b], [0x5d],
];

/** One mutation of a line's bytes: truncation, random or invalid bytes, quotes, CR... */
export function mutateLine(rng: Rng, line: Buffer): Buffer {
  const at = line.length === 0 ? 0 : rng.int(0, line.length);
  switch (rng.int(0, 9)) {
    case 0:
      return line.subarray(0, at);
    case 1:
      return Buffer.concat([line.subarray(0, at), rng.bytes(rng.int(1, 8)), line.subarray(at)]);
    case 2:
      return Buffer.concat([line.subarray(0, at), Buffer.from(rng.pick(ODD_BYTES)), line.subarray(at)]);
    case 3: {
      const copy = Buffer.from(line);
      for (let k = rng.int(1, 4); k > 0 && copy.length > 0; k--) copy[rng.int(0, copy.length - 1)] = rng.next() & 0xff;
      return copy;
    }
    case 4:
      return Buffer.concat([line, Buffer.from('\r')]);
    case 5:
      return Buffer.concat([line.subarray(0, at), Buffer.from(rng.pick(['"', '\\"', '\\', '""', "'", ' ', '  ', '\t', '[', ']', '{', '}', '='])), line.subarray(at)]);
    case 6:
      return Buffer.concat([line.subarray(0, at), line.subarray(Math.min(line.length, at + rng.int(1, 10)))]);
    case 7:
      return Buffer.concat([line.subarray(0, at), Buffer.from('9'.repeat(rng.int(10, 400))), line.subarray(at)]);
    case 8:
      return Buffer.concat([line.subarray(0, at), Buffer.from(rng.pick(['1e400', '-1e400', '99999999999999999999', 'NaN', '-0', '0x1f', '1_000', '.5', '5.'])), line.subarray(at)]);
    default:
      return Buffer.from('');
  }
}

/** Joins lines with mostly "\n", sometimes CRLF, and sometimes no final newline. */
export function joinLines(rng: Rng, lines: readonly (string | Buffer)[]): Buffer {
  const crlf = rng.chance(0.15);
  const parts: Buffer[] = [];
  if (rng.chance(0.03)) parts.push(Buffer.from([0xef, 0xbb, 0xbf]));
  lines.forEach((line, i) => {
    parts.push(typeof line === 'string' ? Buffer.from(line) : line);
    const last = i === lines.length - 1;
    if (!last || rng.chance(0.85)) parts.push(Buffer.from(crlf || rng.chance(0.03) ? '\r\n' : '\n'));
  });
  return Buffer.concat(parts);
}
