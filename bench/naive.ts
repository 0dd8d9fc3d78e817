/**
 * The naive Node.js way, kept as a benchmark peer on purpose: read the whole file into one string,
 * split it into an array of lines, parse every line with a regex into an array of objects, filter
 * into a third array, format into a fourth. Memory grows with the file, and past V8's string limit
 * (about 512 MiB) readFileSync(..., 'utf8') throws ERR_STRING_TOO_LONG. This is the bug logsift
 * exists to fix; do not "improve" this file.
 *
 *   node dist/bench/naive.js filter|status-404|sum|count-by-status|count-distinct|p99 FILE
 */
import { readFileSync } from 'node:fs';

interface AccessRecord {
  line: string;
  host: string;
  ident: string;
  user: string;
  time: string;
  method: string;
  url: string;
  path: string;
  query: string;
  protocol: string;
  status: number;
  bytes: number;
  referer: string;
  agent: string;
}

const COMBINED = /^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) ?(\S*)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"/;

function parse(line: string): AccessRecord | null {
  const m = COMBINED.exec(line);
  if (!m) return null;
  const url = m[6]!;
  const q = url.indexOf('?');
  return {
    line,
    host: m[1]!,
    ident: m[2]!,
    user: m[3]!,
    time: m[4]!,
    method: m[5]!,
    url,
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? '' : url.slice(q + 1),
    protocol: m[7]!,
    status: Number(m[8]),
    bytes: m[9] === '-' ? 0 : Number(m[9]),
    referer: m[10]!,
    agent: m[11]!,
  };
}

function run(job: string, file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const records = lines.map(parse).filter((r): r is AccessRecord => r !== null);
  switch (job) {
    case 'filter': {
      const matches = records.filter((r) => r.status >= 400 && r.path.startsWith('/api'));
      return matches.map((r) => r.line);
    }
    case 'status-404':
      return records.filter((r) => r.status === 404).map((r) => r.line);
    case 'sum':
      return [String(records.map((r) => r.bytes).reduce((a, b) => a + b, 0))];
    case 'count-by-status': {
      const counts: Record<string, number> = {};
      for (const r of records) counts[r.status] = (counts[r.status] ?? 0) + 1;
      return Object.entries(counts).map(([status, count]) => `${status} ${count}`);
    }
    case 'count-distinct':
      return [String(new Set(records.map((r) => r.host)).size)];
    case 'p99': {
      const sizes = records.map((r) => r.bytes).sort((a, b) => a - b);
      // Nearest rank: the smallest value with at least 99% of the values at or below it.
      return [String(sizes[Math.max(0, Math.ceil(0.99 * sizes.length) - 1)] ?? 0)];
    }
    default:
      throw new Error(`unknown job: ${job}`);
  }
}

const [job, file] = process.argv.slice(2);
if (job === undefined || file === undefined) {
  process.stderr.write('usage: naive.js filter|status-404|sum|count-by-status|count-distinct|p99 FILE\n');
  process.exit(2);
}
const out = run(job, file);
process.stdout.write(out.length > 0 ? out.join('\n') + '\n' : '');
