import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLogChunks, writeAccessLog, type AccessLogOptions } from '../bench/generate-access.js';
import { applogChunks, ERROR_EVERY, writeApplog } from '../bench/generate-applog.js';

/** The generators reuse their chunk buffer, so copy each chunk before the next is made. */
function collect(chunks: Iterable<Buffer>): Buffer {
  const copies: Buffer[] = [];
  for (const chunk of chunks) copies.push(Buffer.from(chunk));
  return Buffer.concat(copies);
}

function sha256(chunks: Iterable<Buffer>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

function linesOf(buf: Buffer): string[] {
  const text = buf.toString('latin1');
  assert.ok(text.endsWith('\n'), 'the last line ends with a newline');
  return text.slice(0, -1).split('\n');
}

// An independent reading of the combined format (deliberately not logsift's parser).
const COMBINED =
  /^(\S+) (\S+) (\S+) \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})\] "([A-Z]+) (\S+) (HTTP\/[\d.]+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]+)"$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface AccessSample {
  host: string;
  url: string;
  status: number;
  size: string;
  /** Wall-clock seconds as written (without applying the offset). */
  localSeconds: number;
  offset: string;
  method: string;
}

function parseAccess(line: string): AccessSample {
  const m = COMBINED.exec(line);
  assert.ok(m, `combined line does not parse: ${line}`);
  const month = MONTHS.indexOf(m[5]!);
  assert.ok(month >= 0, `month in ${line}`);
  return {
    host: m[1]!,
    localSeconds: Date.UTC(Number(m[6]), month, Number(m[4]), Number(m[7]), Number(m[8]), Number(m[9])) / 1000,
    offset: m[10]!,
    method: m[11]!,
    url: m[12]!,
    status: Number(m[14]),
    size: m[15]!,
  };
}

const ACCESS: AccessLogOptions = { lines: 50_000, seed: 11 };

test('the access generator is deterministic: same seed, same bytes; another seed, other bytes', () => {
  const a = sha256(accessLogChunks(ACCESS));
  assert.equal(sha256(accessLogChunks(ACCESS)), a);
  assert.notEqual(sha256(accessLogChunks({ ...ACCESS, seed: 12 })), a);
});

test('the applog generator is deterministic: same seed, same bytes; another seed, other bytes', () => {
  const a = sha256(applogChunks({ lines: 20_000, seed: 3 }));
  assert.equal(sha256(applogChunks({ lines: 20_000, seed: 3 })), a);
  assert.notEqual(sha256(applogChunks({ lines: 20_000, seed: 4 })), a);
});

test('writing to a file gives the same bytes as the chunks, and exactly the requested lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-gen-'));
  try {
    const access = join(dir, 'access.log');
    const result = writeAccessLog(access, { lines: 3000, seed: 5 });
    const bytes = readFileSync(access);
    assert.equal(result.bytes, bytes.length);
    assert.ok(bytes.equals(collect(accessLogChunks({ lines: 3000, seed: 5 }))));
    assert.equal(linesOf(bytes).length, 3000);

    const app = join(dir, 'app.log');
    writeApplog(app, { lines: 2500, seed: 5 });
    assert.equal(linesOf(readFileSync(app)).length, 2500);

    assert.equal(collect(accessLogChunks({ lines: 0 })).length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every access line parses with an independent regex, and whitespace fields line up for awk', () => {
  for (const line of linesOf(collect(accessLogChunks(ACCESS)))) {
    const rec = parseAccess(line);
    const awk = line.split(/\s+/);
    // The benchmark's mawk programs rely on $1 host, $7 url, $9 status, $10 size.
    assert.equal(awk[0], rec.host);
    assert.equal(awk[6], rec.url);
    assert.equal(awk[8], String(rec.status));
    assert.equal(awk[9], rec.size);
  }
});

test('the access status mix, sizes, hosts and URLs are shaped as designed', () => {
  const recs = linesOf(collect(accessLogChunks(ACCESS))).map(parseAccess);
  const n = recs.length;
  const share = (pred: (r: AccessSample) => boolean) => recs.filter(pred).length / n;

  const ok200 = share((r) => r.status === 200);
  assert.ok(ok200 > 0.72 && ok200 < 0.78, `200s: ${ok200}`);
  const notFound = share((r) => r.status === 404);
  assert.ok(notFound > 0.04 && notFound < 0.06, `404s: ${notFound}`);
  const serverErrors = share((r) => r.status >= 500);
  assert.ok(serverErrors > 0.005 && serverErrors < 0.015, `5xx: ${serverErrors}`);
  assert.ok(share((r) => r.status === 304) > 0.07, '304s');
  assert.ok(share((r) => r.status === 301 || r.status === 302) > 0.02, 'redirects');
  assert.ok(share((r) => r.status === 403) > 0.005, '403s');

  assert.ok(recs.filter((r) => r.status === 304).every((r) => r.size === '-'), '304s have no size');
  assert.ok(recs.some((r) => r.size !== '-' && Number(r.size) > 1_048_576), 'some sizes above 1 MiB');

  const ipv4 = share((r) => /^\d+\.\d+\.\d+\.\d+$/.test(r.host));
  const ipv6 = share((r) => r.host.includes(':'));
  const names = share((r) => /[a-z]/.test(r.host) && !r.host.includes(':'));
  assert.ok(ipv4 > 0.75, `IPv4 share ${ipv4}`);
  assert.ok(ipv6 > 0.01 && ipv6 < 0.2, `IPv6 share ${ipv6}`);
  assert.ok(names > 0.001 && names < 0.1, `hostname share ${names}`);

  // Zipf: the busiest client sends far more than an even share would give it.
  const perHost = new Map<string, number>();
  for (const r of recs) perHost.set(r.host, (perHost.get(r.host) ?? 0) + 1);
  const busiest = Math.max(...perHost.values());
  assert.ok(busiest > 20 * (n / perHost.size), `busiest host ${busiest} of ${n} over ${perHost.size} hosts`);

  const api = share((r) => r.url.startsWith('/api/'));
  assert.ok(api > 0.15 && api < 0.35, `API share ${api}`);
  const queries = share((r) => r.url.includes('?'));
  assert.ok(queries > 0.02 && queries < 0.3, `query-string share ${queries}`);
  assert.ok(recs.some((r) => r.url === '/robots.txt'));
  assert.ok(recs.some((r) => r.url.startsWith('/downloads/')));
  assert.ok(share((r) => r.method === 'GET') > 0.8, 'mostly GET');
  assert.ok(recs.some((r) => r.method === 'POST'));
});

test('access times never go backwards and carry the requested offset', () => {
  const recs = linesOf(collect(accessLogChunks({ lines: 20_000, seed: 2, utcOffsetMinutes: 120 }))).map(parseAccess);
  assert.ok(recs.every((r) => r.offset === '+0200'));
  // 2024-05-01T00:00:00Z written in +0200 is 02:00 local.
  assert.equal(recs[0]!.localSeconds, Date.UTC(2024, 4, 1, 2, 0, 0) / 1000);
  for (let i = 1; i < recs.length; i++) {
    assert.ok(recs[i]!.localSeconds >= recs[i - 1]!.localSeconds, `time goes back at line ${i + 1}`);
  }
  assert.ok(recs[recs.length - 1]!.localSeconds > recs[0]!.localSeconds, 'time moves on');
});

const APPLOG = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (INFO |WARN |DEBUG|ERROR) \[[\w-]+\] [\w.]+ - \S.*$/;

test('exactly every tenth applog line is ERROR; no other line says ERROR anywhere', () => {
  const lines = linesOf(collect(applogChunks({ lines: 30_000, seed: 9 })));
  assert.equal(lines.length, 30_000);
  const levels = new Map<string, number>();
  let lowerCaseErrorMentions = 0;
  let previous = '';
  lines.forEach((line, i) => {
    const m = APPLOG.exec(line);
    assert.ok(m, `applog line ${i + 1} does not parse: ${line}`);
    const level = m[2]!.trim();
    levels.set(level, (levels.get(level) ?? 0) + 1);
    const n = i + 1;
    if (n % ERROR_EVERY === 0) assert.equal(level, 'ERROR', `line ${n}`);
    else {
      assert.notEqual(level, 'ERROR', `line ${n}`);
      assert.ok(!line.includes('ERROR'), `line ${n} mentions ERROR: ${line}`);
      if (/error/.test(line)) lowerCaseErrorMentions++;
    }
    assert.ok(m[1]! >= previous, `time goes back at line ${n}`);
    previous = m[1]!;
  });
  assert.equal(levels.get('ERROR'), 3000);
  for (const level of ['INFO', 'WARN', 'DEBUG']) assert.ok((levels.get(level) ?? 0) > 1000, level);
  assert.ok(lowerCaseErrorMentions > 100, 'non-ERROR lines mention "error" in lower case');
});
