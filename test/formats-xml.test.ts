/**
 * `xml:ELEMENT` (issue 8, item 4): one record per element of an XML document, streamed through a
 * SAX parser into JSON lines. The transit feed's answers are checked against a small reference
 * reader (regular expressions over the whole fixture); a huge document runs in flat memory
 * (GNU time); malformed XML is one line naming the file and where.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FIXTURES } from './formats-helpers.js';
import { cliPath, runCli } from './support/cli.js';

const FEED = join(FIXTURES, 'buses.xml');

/** The reference: each `<bus id="...">...</bus>` (or t:bus) and its leaf children, by regular expressions. */
function referenceBuses(): Record<string, string>[] {
  const xml = readFileSync(FEED, 'utf8');
  const buses: Record<string, string>[] = [];
  for (const m of xml.matchAll(/<((?:t:)?bus) id="(\d+)">([\s\S]*?)<\/\1>/g)) {
    const bus: Record<string, string> = { id: m[2]! };
    for (const c of m[3]!.matchAll(/<(route|direction|latitude|longitude)>([^<]*)<\/\1>/g)) bus[c[1]!] = c[2]!;
    buses.push(bus);
  }
  return buses;
}

function ndjson(args: readonly string[], options: { input?: string | Buffer } = {}): Record<string, unknown>[] {
  const r = runCli(['--ndjson', ...args], options);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout === '' ? [] : r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('the transit feed: route == "22" and direction == "North Bound" | fields id, latitude, longitude', () => {
  const expected = referenceBuses()
    .filter((b) => b['route'] === '22' && b['direction'] === 'North Bound')
    .map((b) => ({ id: b['id'], latitude: b['latitude'], longitude: b['longitude'] }));
  assert.equal(expected.length, 3);
  assert.deepEqual(ndjson(['--format', 'xml:bus', 'route == "22" and direction == "North Bound" | fields id, latitude, longitude', FEED]), expected);
  const r = runCli(['--format', 'xml:bus', '--csv', 'count by route | sort route', FEED]);
  assert.equal(r.stdout, 'route,count\n22,4\n8,1\n9,1\n', r.stderr);
  assert.equal(runCli(['--format', 'xml:bus', '--csv', 'latitude > 41.9 | count', FEED]).stdout, 'count\n3\n', 'numbers read from text');
});

test('attributes, nested and repeated children, CDATA, entities, namespaces and mixed content', () => {
  const [bus] = ndjson(['--format', 'xml:bus', 'id == "1005"', FEED]);
  assert.deepEqual(bus, {
    id: '1005',
    route: '22',
    direction: 'North Bound',
    latitude: '41.9391',
    longitude: '-87.6440',
    note: 'detour: <Clark & Division> "closed"',
    operator: 'Chicago & Western \u2014 Lines \u00a9',
    'position.source': 'gps',
    'position.lat': '41.9391',
    'position.lon': '-87.6440',
    stop: '["Clark/Division","Clark/Armitage","Clark/Fullerton"]',
  });
  const [first] = ndjson(['--format', 'xml:bus', 'id == "1001" | fields speed, speed.unit', FEED]);
  assert.deepEqual(first, { speed: '14', 'speed.unit': 'mph' });
  assert.deepEqual(ndjson(['--format', 'xml:bus', 'id == "1004" | fields route', FEED]), [{ route: '22' }], 't:bus is a bus');
  assert.deepEqual(ndjson(['--format', 'xml:bus', 'id == "1006" | fields _text, route', FEED]), [{ _text: 'late  running', route: '9' }]);
  assert.deepEqual(ndjson(['--format', 'xml:stop', 'line contains "Armitage" | fields _text', FEED]), [{ _text: 'Clark/Armitage' }]);
});

test('compressed documents, standard input, and several threads read the same records', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-xml-'));
  try {
    const gz = join(dir, 'feed.xml.gz');
    writeFileSync(gz, gzipSync(readFileSync(FEED)));
    const query = ['--format', 'xml:bus', '--csv', 'count by route, direction'];
    const plain = runCli([...query, FEED]).stdout;
    assert.equal(runCli([...query, gz]).stdout, plain);
    assert.equal(runCli([...query], { input: readFileSync(FEED) }).stdout, plain);
    // A document on workers is read whole (never cut into byte ranges, which would cut elements).
    const big = join(dir, 'big.xml');
    writeFileSync(big, `<feed>${Array.from({ length: 20000 }, (_, i) => `<bus id="${i}"><route>${i % 7}</route></bus>\n`).join('')}</feed>`);
    const many = spawnSync(process.execPath, [cliPath, '--no-progress', '--jobs', '2', '--format', 'xml:bus', '--csv', 'count by route | sort route', big], {
      encoding: 'utf8',
      env: { ...process.env, LOGSIFT_PARALLEL_BYTES: '1000' },
    });
    assert.equal(many.stdout, `route,count\n${Array.from({ length: 7 }, (_, r) => `${r},${r < 20000 % 7 ? 2858 : 2857}`).join('\n')}\n`, many.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('malformed XML is one line naming the file, line and column; records before it count; exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-xml-'));
  try {
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<feed>\n<bus><route>1</route></bus>\n<bus><route>2</rout></bus>\n</feed>\n');
    const r = runCli(['--format', 'xml:bus', '--csv', 'count', bad]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'count\n1\n');
    assert.equal(r.stderr, `logsift: ${bad}: malformed XML at line 3, column 20: unexpected close tag.\n`);
    writeFileSync(bad, '<feed><bus><route>1</route></bus>');
    assert.match(runCli(['--format', 'xml:bus', 'count', bad]).stderr, /^logsift: .*bad\.xml: malformed XML at line 1, column \d+: unclosed tag: feed\n$/);
    const name = runCli(['--format', 'xml:', 'count'], { input: '<a/>' });
    assert.equal(name.code, 2);
    assert.equal(name.stderr, 'logsift: bad format: name the element that holds each record: xml:ELEMENT\n  xml:\n      ^\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a document far larger than memory streams in flat memory (GNU time)', () => {
  // About 200 MB of bus positions, generated into logsift's standard input: holding the document
  // (or its records) would take several times what the bound allows.
  const buses = 1_200_000;
  const dir = mkdtempSync(join(tmpdir(), 'logsift-xml-'));
  try {
    const script = `"${process.execPath}" "${join(FIXTURES, 'gen-buses.mjs')}" ${buses} | /usr/bin/time -f '%M' -o ${dir}/rss "${process.execPath}" "${cliPath}" --no-progress --format xml:bus --csv 'route == "23" and direction == "North Bound" | count'; cat ${dir}/rss`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [header, count, rss] = r.stdout.trim().split('\n');
    assert.equal(header, 'count');
    // Bus i has route i % 50 and is North Bound when i is odd: route 23 is, once in 50 buses.
    assert.equal(count, String(buses / 50));
    const mb = Number(rss) / 1024;
    assert.ok(mb < 180, `peak RSS ${mb.toFixed(0)} MB for a ${Math.round((buses * 170) / 1e6)} MB document`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
