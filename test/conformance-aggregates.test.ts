import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASJES_HACKERS,
  ELASTIC,
  JAVAGROK,
  NASA,
  NGINX_COMBINED,
  dataPath,
  sift,
  skipUnlessData as skip,
} from './support/shared-data.js';
import {
  awkCountByHour,
  awkCountBytesOver,
  awkHostCounts,
  awkStatusCounts,
  awkSumBytes,
} from './support/awk-queries.js';
import {
  type AccessFormat,
  type AccessRecord,
  isoOffsetMinutes,
  parseClfTime,
  referenceRecords,
  tally,
} from './support/reference.js';
import { assertSameCounts, describe, jsonRows, rowsToCounts, scalar, type JsonRow } from './support/conformance.js';

/**
 * Aggregations over the real logs, each compared with awk (support/awk-queries.ts) or, where awk
 * would need a request parser, with the reference reader (support/reference.ts, itself checked
 * against awk in conformance-reference.test.ts). All results are read through --json, which keeps
 * plain numbers.
 */

interface Dataset {
  readonly label: string;
  readonly files: readonly string[];
  readonly format: AccessFormat;
}

const DATASETS: readonly Dataset[] = [
  { label: 'elastic apache_logs', files: [ELASTIC], format: 'combined' },
  { label: 'nginx_logs.txt', files: [NGINX_COMBINED], format: 'combined' },
  { label: 'the ten NASA files', files: NASA, format: 'common' },
];

function records(ds: Dataset): AccessRecord[] {
  return referenceRecords(ds.files.map(dataPath), ds.format);
}

/**
 * Distinct counts may switch to a sketch above some cardinality; then the figure is an estimate
 * and logsift says so on stderr. Exact is required unless logsift announced an estimate, in which
 * case the figure must be within 3% (HyperLogLog's error at usual precisions is near 1%).
 */
function assertDistinct(args: readonly string[], column: string, exact: number): void {
  const full = ['--json', ...args];
  const r = sift(full);
  assert.equal(r.code, 0, describe(full, r));
  const rows = JSON.parse(r.stdout) as JsonRow[];
  assert.equal(rows.length, 1, describe(full, r));
  const got = rows[0]![column];
  assert.equal(typeof got, 'number', `${column} in ${r.stdout}`);
  if (/estimat|approx/i.test(r.stderr)) {
    assert.ok(Math.abs((got as number) - exact) <= exact * 0.03, `estimate ${got} vs exact ${exact}\n${describe(full, r)}`);
  } else {
    assert.equal(got, exact, describe(full, r));
  }
}

for (const ds of DATASETS) {
  test(`count by status on ${ds.label} equals awk`, { skip }, () => {
    const rows = jsonRows(['count by status', ...ds.files]);
    assertSameCounts(rowsToCounts(rows, 'status'), awkStatusCounts(ds.format, ds.files), 'count by status');
  });

  test(`sum(bytes) on ${ds.label} equals awk ('-' counts as 0)`, { skip }, () => {
    assert.equal(scalar(['sum(bytes)', ...ds.files], 'sum(bytes)'), awkSumBytes(ds.format, ds.files));
  });

  test(`bytes > 1000000 | count on ${ds.label} equals awk`, { skip }, () => {
    assert.equal(scalar(['bytes > 1000000 | count', ...ds.files], 'count'), awkCountBytesOver(ds.format, ds.files, 1_000_000));
  });

  test(`count_distinct(host) on ${ds.label} equals the number of awk's distinct $1`, { skip }, () => {
    assertDistinct(['count_distinct(host)', ...ds.files], 'count_distinct(host)', awkHostCounts(ds.format, ds.files).size);
  });

  /** url is the request target as written; the reference splits the request line (method, target, protocol). */
  test(`status == 404 | count_distinct(url) on ${ds.label} equals the reference`, { skip }, () => {
    const urls = new Set(records(ds).filter((r) => r.status === 404).map((r) => r.url));
    assert.ok(urls.size > 0);
    assertDistinct(['status == 404 | count_distinct(url)', ...ds.files], 'count_distinct(url)', urls.size);
  });

  test(`url == "/robots.txt" | count by host on ${ds.label} equals the reference`, { skip }, () => {
    const expected = tally(records(ds).filter((r) => r.url === '/robots.txt'), (r) => r.host);
    const rows = jsonRows(['url == "/robots.txt" | count by host', ...ds.files]);
    assertSameCounts(rowsToCounts(rows, 'host'), expected, 'robots.txt by host');
  });

  /**
   * The largest response. Elastic has two at 69192717 bytes, both for the same url, so the
   * answer is the same whichever comes first.
   */
  test(`sort bytes desc | head 1 | fields bytes, url on ${ds.label} equals the reference`, { skip }, () => {
    const all = records(ds);
    const max = all.reduce((m, r) => Math.max(m, r.bytes), 0);
    const urls = new Set(all.filter((r) => r.bytes === max).map((r) => r.url));
    assert.equal(urls.size, 1, 'the largest size belongs to one url');
    const rows = jsonRows(['sort bytes desc | head 1 | fields bytes, url', ...ds.files]);
    assert.deepEqual(rows, [{ bytes: max, url: [...urls][0] }]);
  });
}

test('sum(bytes) over the ten NASA files goes past 2^31 and stays exact', { skip }, () => {
  const expected = awkSumBytes('common', NASA);
  assert.equal(expected, 3_369_738_242);
  assert.ok(expected > 2 ** 31);
  assert.equal(scalar(['sum(bytes)', ...NASA], 'sum(bytes)'), expected);
});

/** javagrok: hostnames as well as IPs, CRLF, `-` sizes. basjes hackers: IPv6 clients, full-URL requests. */
for (const file of [JAVAGROK, BASJES_HACKERS]) {
  const format: AccessFormat = file === JAVAGROK ? 'common' : 'combined';
  test(`count by status, sum(bytes) and count_distinct(host) on ${file} equal awk`, { skip }, () => {
    assertSameCounts(rowsToCounts(jsonRows(['count by status', file]), 'status'), awkStatusCounts(format, [file]), file);
    assert.equal(scalar(['sum(bytes)', file], 'sum(bytes)'), awkSumBytes(format, [file]));
    const hosts = awkHostCounts(format, [file]);
    if (file === BASJES_HACKERS) assert.ok([...hosts.keys()].some((h) => h.includes(':')), 'IPv6 clients present');
    assertDistinct(['count_distinct(host)', file], 'count_distinct(host)', hosts.size);
  });
}

/**
 * Lines are not in time order (nginx_logs.txt starts 08:05:32 then 08:05:23; elastic has 12:05:48
 * then 12:05:17 around line 8898), so min(time) and max(time) must compare instants, not positions.
 * The reference takes the smallest and largest instant over all records; logsift's answer is
 * read back with Date.parse and must keep the offset the log wrote.
 */
for (const ds of [DATASETS[0]!, DATASETS[1]!]) {
  test(`min(time) and max(time) on ${ds.label} (lines out of order) equal the reference`, { skip }, () => {
    const all = records(ds);
    const min = all.reduce((m, r) => Math.min(m, r.time.ms), Infinity);
    const max = all.reduce((m, r) => Math.max(m, r.time.ms), -Infinity);
    assert.ok(all.some((r, i) => i > 0 && r.time.ms < all[i - 1]!.time.ms), 'some line is earlier than the one before it');
    for (const [query, expected] of [['min(time)', min], ['max(time)', max]] as const) {
      const got = scalar([query, ...ds.files], query);
      assert.equal(typeof got, 'string', `${query}: ${JSON.stringify(got)}`);
      assert.equal(Date.parse(got as string), expected, `${query}: ${got}`);
      assert.equal(isoOffsetMinutes(got as string), all[0]!.time.offsetMinutes, `${query}: offset of ${got}`);
    }
  });
}

/**
 * `count by bin(time, 1h)`: awk buckets by the text of the hour, `[17/May/2015:10` plus the zone;
 * that text is turned into the instant the hour starts, and logsift's bucket keys (ISO strings,
 * or epoch milliseconds) into instants too. All offsets here are whole hours, so local and UTC
 * hours start at the same instants.
 */
function hourKeyToMs(key: unknown): number {
  const ms = typeof key === 'number' ? key : Date.parse(String(key));
  assert.ok(Number.isFinite(ms), `bucket key ${JSON.stringify(key)} is not a time`);
  return ms;
}

function awkHourBucketsAsMs(format: AccessFormat, files: readonly string[], statusTest: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [hourText, count] of awkCountByHour(format, files, statusTest)) {
    const [day, zone] = hourText.split(' ');
    const t = parseClfTime(`${day}:00:00 ${zone}`);
    assert.ok(t, `awk hour ${hourText}`);
    out.set(String(t.ms), count);
  }
  return out;
}

function logsiftHourBuckets(query: string, files: readonly string[]): Map<string, number> {
  const rows = jsonRows([query, ...files]);
  const out = new Map<string, number>();
  for (const row of rows) {
    const keyColumn = Object.keys(row).find((k) => k !== 'count');
    assert.ok(keyColumn, `no bucket column in ${JSON.stringify(row)}`);
    assert.equal(typeof row['count'], 'number');
    out.set(String(hourKeyToMs(row[keyColumn])), row['count'] as number);
  }
  return out;
}

test('status >= 500 | count by bin(time, 1h) on elastic apache_logs equals awk bucketing', { skip }, () => {
  const expected = awkHourBucketsAsMs('combined', [ELASTIC], 'status >= 500');
  assert.equal([...expected.values()].reduce((a, b) => a + b, 0), 3);
  assertSameCounts(logsiftHourBuckets('status >= 500 | count by bin(time, 1h)', [ELASTIC]), expected, '5xx per hour');
});

test('status == 404 | count by bin(time, 1h) over the ten NASA files (-0400) equals awk bucketing', { skip }, () => {
  const expected = awkHourBucketsAsMs('common', NASA, 'status == 404');
  assert.ok(expected.size > 50);
  assertSameCounts(logsiftHourBuckets('status == 404 | count by bin(time, 1h)', NASA), expected, '404s per hour');
});
