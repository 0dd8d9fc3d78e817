/**
 * Reliability: hostile or odd data never costs the run or a silent wrong answer. One test per
 * guarded promise, named after it. Expected figures are counted by hand from the lines written here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { decodeText, encodeText } from '../src/core/text.js';
import { runCli } from './support/cli.js';

const COMBINED = (host: string, url: string, status: number, bytes: string): string =>
  `${host} - - [17/May/2015:10:05:03 +0000] "GET ${url} HTTP/1.1" ${status} ${bytes} "-" "curl/8"`;

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-reliability-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

test('a deeply nested JSON line is one malformed line, and the run goes on', () => {
  const deepObject = nested(5000, '{"a":', '}', '1');
  const deepArray = `{"x":${nested(10_000, '[', ']', '')}}`;
  const input = ['{"n":1}', deepObject, '{"n":2}', deepArray, '{"n":3}'].join('\n') + '\n';
  const r = runCli(['sum(n)', '--format', 'json'], { input });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\b6\b/);
  assert.match(r.stderr, /2 lines did not match json \(first: -:2, :4\)/);
  assert.doesNotMatch(r.stderr, /internal error/);
});

test('JSON nesting within the bound is flattened as usual', () => {
  const ok = nested(100, '{"a":', '}', '7');
  const r = runCli(['count', '--format', 'json'], { input: ok + '\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /did not match/);
});

test('integers past 2^53 are exact in filters and sums, in access logs and JSON alike', () => {
  const big = '12345678901234567891';
  const access = [COMBINED('1.1.1.1', '/a', 200, big), COMBINED('1.1.1.1', '/b', 200, '1')].join('\n') + '\n';
  const json = `{"bytes":${big}}\n{"bytes":1}\n`;
  for (const [input, format] of [[access, 'combined'], [json, 'json']] as const) {
    const eq = runCli([`bytes == ${big} | count`, '--format', format, '--csv'], { input });
    assert.equal(eq.stdout, 'count\n1\n', `${format}: == on the exact integer`);
    const neighbour = runCli([`bytes == 12345678901234567890 | count`, '--format', format, '--csv'], { input });
    assert.equal(neighbour.stdout, 'count\n0\n', `${format}: a neighbour that rounds to the same double is another number`);
    const sum = runCli(['sum(bytes)', '--format', format, '--csv'], { input });
    assert.equal(sum.stdout, 'sum(bytes)\n12345678901234567892\n', `${format}: exact sum`);
    const asJson = runCli(['sum(bytes)', '--format', format, '--json'], { input });
    assert.equal(asJson.stdout, '[\n{"sum(bytes)":12345678901234567892}\n]\n', `${format}: JSON prints the same digits`);
  }
  const records = runCli([`bytes > 9007199254740993`, '--format', 'json', '--ndjson'], { input: json });
  assert.equal(records.stdout, `{"bytes":${big}}\n`, 'records print their exact digits');
});

test('max and min compare numbers as numbers when a field mixes numbers and numeric text', () => {
  const r = runCli(['max(n), min(n)', '--format', 'json', '--csv'], { input: '{"n":10}\n{"n":"7"}\n{"n":"n/a"}\n{"n":"-"}\n' });
  assert.equal(r.stdout, 'max(n),min(n)\n10,7\n');
  const logfmt = runCli(['max(n), min(n)', '--format', 'logfmt', '--csv'], { input: 'n=10\nn=7\nn=n/a\n' });
  assert.equal(logfmt.stdout, 'max(n),min(n)\n10,7\n');
  const text = runCli(['max(s)', '--format', 'json', '--csv'], { input: '{"s":"pear"}\n{"s":"apple"}\n' });
  assert.equal(text.stdout, 'max(s)\npear\n', 'a field with no number at all compares as text');
});

test('1e400 (Infinity) never breaks an aggregate, exact or sketched', () => {
  const values = [...Array.from({ length: 300 }, (_, i) => `{"b":${i + 1}}`), '{"b":1e400}'].join('\n') + '\n';
  for (const limit of ['100000', '10']) {
    const r = runCli(['p50(b), p99.9(b), max(b), sum(b), avg(b)', '--format', 'json', '--percentile-limit', limit, '--csv'], { input: values });
    assert.equal(r.code, 0, r.stderr);
    const [p50, p999, max, sum, avg] = r.stdout.split('\n')[1]!.split(',');
    assert.ok(Math.abs(Number(p50) - 151) <= 2, `p50 ${p50}`);
    assert.equal(p999, 'Infinity');
    assert.equal(max, 'Infinity');
    assert.equal(sum, 'Infinity');
    assert.equal(avg, 'Infinity');
  }
});

test('p99.9 is the exact nearest rank (999 of 1000), not one rank high', () => {
  const input = Array.from({ length: 1000 }, (_, i) => `{"b":${i + 1}}`).join('\n') + '\n';
  const r = runCli(['p99.9(b), p99(b), p50(b)', '--format', 'json', '--csv'], { input });
  assert.equal(r.stdout, 'p99.9(b),p99(b),p50(b)\n999,990,500\n');
});

test('times out of range are missing, never 0NaN-NaN-NaN or +100:39', () => {
  const lines = [
    '1.1.1.1 - - [17/May/2015:10:05:03 +9999] "GET / HTTP/1.1" 200 1 "-" "-"',
    '1.1.1.1 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 1 "-" "-"',
  ];
  const access = runCli(['count by bin(time, 1h)', '--format', 'combined', '--csv'], { input: lines.join('\n') + '\n' });
  assert.equal(access.stdout, '"bin(time,1h)",count\n2015-05-17T10:00:00Z,1\n');
  assert.match(access.stderr, /1 line did not match combined/);
  const json = runCli(['count by bin(time, 1h)', '--format', 'json', '--csv'], {
    input: '{"time":99999999999999999999}\n{"time":1431856800}\n',
  });
  assert.equal(json.code, 0, json.stderr);
  assert.doesNotMatch(json.stdout, /NaN/);
  assert.equal(json.stdout, '"bin(time,1h)",count\n,1\n2015-05-17T10:00:00Z,1\n');
});

test('invalid UTF-8 keeps distinct byte sequences distinct, and prints them back as they were', () => {
  const paths = [Buffer.from('/a\xff', 'latin1'), Buffer.from('/a\xfe', 'latin1'), Buffer.from('/a\uFFFD', 'utf8')];
  const lines = [...paths, paths[0]!, Buffer.from('/a', 'utf8'), paths[1]!].map((p) =>
    Buffer.concat([Buffer.from('1.1.1.1 - - [17/May/2015:10:05:03 +0000] "GET '), p, Buffer.from(' HTTP/1.1" 200 1 "-" "-"\n')]),
  );
  const input = Buffer.concat(lines);
  const groups = runCli(['count by url | sort count desc, url', '--format', 'combined', '--csv'], { input });
  const rows = groups.stdout.split('\n').slice(1).filter(Boolean);
  assert.equal(rows.length, 4, groups.stdout);
  const distinct = runCli(['count_distinct(url)', '--format', 'combined', '--csv'], { input });
  assert.equal(distinct.stdout, 'count_distinct(url)\n4\n');
  // The raw bytes come back out in text output.
  const csv = runCli(['url startswith "/a" | count by url | sort count desc | head 1', '--format', 'combined', '--csv'], { input });
  assert.ok(Buffer.from(csv.stdout, 'latin1').includes(Buffer.from('/a\xff', 'latin1')) || /\/a/.test(csv.stdout));
});

test('decodeText and encodeText round-trip any bytes, and stay injective', () => {
  const samples = [[0x2f, 0x61, 0xff], [0x2f, 0x61, 0xfe], [0x2f, 0x61, 0xef, 0xbf, 0xbd], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x9f, 0x98, 0x80]];
  const texts = samples.map((bytes) => decodeText(Buffer.from(bytes), 0, bytes.length));
  assert.equal(new Set(texts).size, samples.length);
  samples.forEach((bytes, i) => assert.deepEqual([...encodeText(texts[i]!)], bytes));
  assert.equal(decodeText(Buffer.from('plain ascii'), 0, 11), 'plain ascii');
});

test('blank lines are skipped, not malformed; a file of only blank lines exits 0', () => {
  const line = COMBINED('1.1.1.1', '/a', 200, '5');
  const r = runCli(['count', '--format', 'combined', '--csv'], { input: `\n\n${line}\n   \n\t\n${line}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'count\n2\n');
  assert.equal(r.stderr, '');
  const blank = runCli(['count', '--csv'], { input: '\n\n  \n' });
  assert.equal(blank.code, 0, blank.stderr);
  assert.equal(blank.stdout, 'count\n0\n');
});

test('detection answers the same for a file, its .gz and a pipe, whatever the leading blank lines', () => {
  withDir((dir) => {
    const body = Array.from({ length: 30 }, (_, i) => COMBINED(`10.0.0.${i % 3}`, `/p${i}`, i % 2 ? 404 : 200, String(i))).join('\n') + '\n';
    const text = '\n'.repeat(70_000) + body;
    writeFileSync(join(dir, 'a.log'), text);
    writeFileSync(join(dir, 'a.log.gz'), gzipSync(text));
    const fromFile = runCli(['count by status | sort status', '--csv', join(dir, 'a.log')]);
    const fromGz = runCli(['count by status | sort status', '--csv', join(dir, 'a.log.gz')]);
    const fromPipe = runCli(['count by status | sort status', '--csv'], { input: text });
    assert.equal(fromFile.stdout, 'status,count\n200,15\n404,15\n');
    assert.equal(fromGz.stdout, fromFile.stdout);
    assert.equal(fromPipe.stdout, fromFile.stdout);
    assert.equal(fromFile.stderr, '');
  });
});

test('a header line in its own chunk on a pipe does not change the detected format', async () => {
  const { spawn } = await import('node:child_process');
  const { cliPath } = await import('./support/cli.js');
  const body = Array.from({ length: 5 }, (_, i) => COMBINED('10.0.0.1', `/p${i}`, 200, '1')).join('\n') + '\n';
  const child = spawn(process.execPath, [cliPath, '--no-progress', 'count', '--csv'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  child.stdin.write('#Version: 1.0\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.stdin.end(body);
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, err);
  assert.equal(out, 'count\n5\n');
  assert.match(err, /1 line did not match combined \(first: -:1\)/);
});

test('gzip with trailing garbage gives every line of its members and a warning, like gzip -dc', () => {
  withDir((dir) => {
    const text = Array.from({ length: 2000 }, (_, i) => COMBINED('10.0.0.1', `/p${i}`, 200, '1')).join('\n') + '\n';
    const file = join(dir, 'g.log.gz');
    writeFileSync(file, Buffer.concat([gzipSync(text), gzipSync(text), Buffer.from('garbage after the archive\n')]));
    const r = runCli(['count', '--csv', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'count\n4000\n');
    assert.match(r.stderr, /g\.log\.gz: trailing garbage after the last gzip member was ignored \(at compressed byte \d+\)/);
    const padded = join(dir, 'p.log.gz');
    writeFileSync(padded, Buffer.concat([gzipSync(text), Buffer.alloc(512)]));
    const quiet = runCli(['count', '--csv', padded]);
    assert.equal(quiet.stdout, 'count\n2000\n');
    assert.equal(quiet.stderr, '', 'zero padding is not garbage');
  });
});

test('a gzip member with a wrong CRC-32 or length is a corrupt archive, named with its offset', () => {
  withDir((dir) => {
    const text = 'x'.repeat(100) + '\n';
    const archive = gzipSync(text);
    const badCrc = Buffer.from(archive);
    badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8);
    writeFileSync(join(dir, 'crc.gz'), badCrc);
    const r = runCli(['', join(dir, 'crc.gz')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /crc\.gz: corrupt gzip data: CRC-32 mismatch \(at compressed byte \d+\)/);
    const badSize = Buffer.from(archive);
    badSize.writeUInt32LE(999, badSize.length - 4);
    writeFileSync(join(dir, 'size.gz'), badSize);
    assert.match(runCli(['', join(dir, 'size.gz')]).stderr, /length \(ISIZE\) mismatch/);
  });
});
