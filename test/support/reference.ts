import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * A deliberately simple reference reader for Apache/nginx access logs, written from the Apache
 * mod_log_config documentation (https://httpd.apache.org/docs/current/mod/mod_log_config.html),
 * not from logsift's code. One regular expression per line, strings everywhere, no streaming:
 * obviously correct rather than fast. The conformance suite compares logsift with it, and
 * conformance-reference.test.ts checks it against awk so that it is not taken on trust either.
 *
 * The two formats, as the documentation defines them:
 *   common:   %h %l %u %t \"%r\" %>s %b
 *   combined: %h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"
 * %t is `[dd/Mon/yyyy:HH:MM:SS +zzzz]`, %b is the size or `-` for none, and since Apache 2.0.46
 * quotes and backslashes inside %r and %{...}i are written escaped (`\"`, `\\`, `\xhh`).
 */

export type AccessFormat = 'common' | 'combined';

/** A time as %t writes it, read into an instant and the offset it was written with. */
export interface ClfTime {
  /** Milliseconds since the epoch (UTC). */
  readonly ms: number;
  /** The written UTC offset in minutes, e.g. -240 for -0400. */
  readonly offsetMinutes: number;
}

export interface AccessRecord {
  /** 1-based line number in its file. */
  readonly line: number;
  readonly host: string;
  readonly ident: string;
  readonly user: string;
  /** The text between [ and ]. */
  readonly timeText: string;
  readonly time: ClfTime;
  /** The raw request line (%r) as written between the quotes, escapes left as they are. */
  readonly request: string;
  readonly method: string;
  /** The request target as written. */
  readonly url: string;
  /** `url` up to its first `?`. */
  readonly path: string;
  /** What follows the first `?` of `url`, or '' when there is none. */
  readonly query: string;
  readonly protocol: string;
  readonly status: number;
  /** %b, with `-` read as 0. */
  readonly bytes: number;
  readonly referer: string | null;
  readonly agent: string | null;
}

/**
 * common. The request is matched greedily up to the LAST `" ` that is followed by a three-digit
 * status, a size and the end of the line. That matters on NASA, whose 1995 server did not escape
 * quotes: `"GET /images/" HTTP/1.0" 404 -` has a stray quote inside the request. Anchoring at the
 * end makes status and size the last two space-separated fields of the line, which is exactly what
 * awk's `$(NF-1)` and `$NF` see, even when the request holds spaces (`GET /finger @net.com HTTP/1.0`).
 */
export const COMMON_LINE = /^(\S+) (\S+) (\S+) \[([^\]]*)\] "(.*)" (\d{3}) (\d+|-)$/;

/**
 * combined. Each quoted field is a run of characters other than `"` and `\`, or a backslash
 * escape, as the documentation says Apache writes them. The combined files here never hold an
 * unescaped quote inside a field (every well-formed line has exactly six quotes), so this reading
 * is unambiguous. Elastic apache_logs line 8899 was cut off inside the user agent: its closing
 * quote is missing, so it does not match, and the reference reports it as malformed.
 */
const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
export const COMBINED_LINE = new RegExp(
  `^(\\S+) (\\S+) (\\S+) \\[([^\\]]*)\\] ${QUOTED} (\\d{3}) (\\d+|-) ${QUOTED} ${QUOTED}$`,
);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CLF_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** Reads `01/Jul/1995:00:00:01 -0400`; null when it is not in that shape. */
export function parseClfTime(text: string): ClfTime | null {
  const m = CLF_TIME.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!);
  if (month < 0) return null;
  const sign = m[7] === '-' ? -1 : 1;
  const offsetMinutes = sign * (Number(m[8]) * 60 + Number(m[9]));
  // The wall-clock time read as if it were UTC, minus the offset, is the instant.
  const wallAsUtc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  return { ms: wallAsUtc - offsetMinutes * 60_000, offsetMinutes };
}

/**
 * Splits a request line `METHOD SP target SP HTTP/x`. The method is the first word. The protocol
 * is the last word when it starts with `HTTP/` (NASA has requests with no protocol at all:
 * `GET /ksc.html`). The target is what lies between, trimmed of the separating spaces, so it may
 * itself hold spaces (`/finger @net.com`, `/htbin/wais.pl?orbit sts71`). A request of one word
 * (`-`, written with status 408) has that word as method and an empty target.
 */
export function splitRequest(request: string): { method: string; url: string; protocol: string } {
  const firstSpace = request.indexOf(' ');
  if (firstSpace < 0) return { method: request, url: '', protocol: '' };
  const method = request.slice(0, firstSpace);
  let rest = request.slice(firstSpace + 1);
  let protocol = '';
  const lastSpace = rest.lastIndexOf(' ');
  if (lastSpace >= 0 && rest.slice(lastSpace + 1).startsWith('HTTP/')) {
    protocol = rest.slice(lastSpace + 1);
    rest = rest.slice(0, lastSpace);
  }
  return { method, url: rest.trim(), protocol };
}

/** One line in the given format, or null when the line does not match it. */
export function parseAccessLine(text: string, line: number, format: AccessFormat): AccessRecord | null {
  const m = (format === 'common' ? COMMON_LINE : COMBINED_LINE).exec(text);
  if (!m) return null;
  const time = parseClfTime(m[4]!);
  if (!time) return null;
  const request = m[5]!;
  const { method, url, protocol } = splitRequest(request);
  const q = url.indexOf('?');
  return {
    line,
    host: m[1]!,
    ident: m[2]!,
    user: m[3]!,
    timeText: m[4]!,
    time,
    request,
    method,
    url,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    protocol,
    status: Number(m[6]),
    bytes: m[7] === '-' ? 0 : Number(m[7]),
    referer: format === 'combined' ? m[8]! : null,
    agent: format === 'combined' ? m[9]! : null,
  };
}

/**
 * The lines of a file as a reader must see them: gzip is undone when the file starts with the gzip
 * magic bytes 1f 8b; a final "\n" ends the last line rather than starting an empty one; a file
 * without a final "\n" still has its last line; one "\r" before "\n" (CRLF) is not part of the line.
 */
export function readLogLines(file: string): string[] {
  let bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const lines = bytes.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

export interface ReferenceFile {
  readonly lines: readonly string[];
  /** Records of the lines that match the format, in file order. */
  readonly records: readonly AccessRecord[];
  /** 1-based numbers of the lines that do not match. */
  readonly malformed: readonly number[];
}

const cache = new Map<string, ReferenceFile>();

/** Reads and parses a whole file (cached: several tests ask for the same file). */
export function referenceFile(file: string, format: AccessFormat): ReferenceFile {
  const key = `${format}\u0000${file}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const lines = readLogLines(file);
  const records: AccessRecord[] = [];
  const malformed: number[] = [];
  lines.forEach((text, i) => {
    const rec = parseAccessLine(text, i + 1, format);
    if (rec) records.push(rec);
    else malformed.push(i + 1);
  });
  const parsed = { lines, records, malformed };
  cache.set(key, parsed);
  return parsed;
}

/** Records of several files, in the order given (what logsift sees when given those paths). */
export function referenceRecords(files: readonly string[], format: AccessFormat): AccessRecord[] {
  return files.flatMap((f) => referenceFile(f, format).records);
}

/** How many items fall under each key. */
export function tally<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** Start of the UTC hour holding the instant. The files' offsets are whole hours, so this is
 * also the start of the local hour. */
export function hourStart(ms: number): number {
  return Math.floor(ms / 3_600_000) * 3_600_000;
}

/** Reads an ISO-8601 offset suffix (`Z`, `+00:00`, `-04:00`) into minutes; null without one. */
export function isoOffsetMinutes(iso: string): number | null {
  if (iso.endsWith('Z')) return 0;
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * nginx.log holds one JSON object per line (CRLF, no final newline). The reference reads each
 * line with JSON.parse: the same bytes, through the JavaScript engine's own parser.
 */
export function readJsonLines(file: string): Record<string, unknown>[] {
  return readLogLines(file).map((line, i) => {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${file}:${i + 1}: not a JSON object`);
    }
    return value as Record<string, unknown>;
  });
}
