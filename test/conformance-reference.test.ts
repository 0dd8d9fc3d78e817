import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASJES_GZ,
  BASJES_HACKERS,
  ELASTIC,
  JAVAGROK,
  NASA,
  NGINX_COMBINED,
  NGINX_JSON,
  ALL_TEXT_FILES,
  dataPath,
  skipUnlessData as skip,
} from './support/shared-data.js';
import { awk, awkCounts, wcLinesCorrected, zcat, type AwkInput } from './support/shell.js';
import {
  awkCombinedMalformedLines,
  awkCountByHour,
  awkCountBytesOver,
  awkCountRecords,
  awkHostCounts,
  awkStatusCounts,
  awkSumBytes,
} from './support/awk-queries.js';
import {
  type AccessFormat,
  hourStart,
  parseClfTime,
  readJsonLines,
  readLogLines,
  referenceFile,
  referenceRecords,
  tally,
  type ReferenceFile,
} from './support/reference.js';
import { assertSameCounts } from './support/conformance.js';

/**
 * The reference reader (test/support/reference.ts) is itself checked here against awk, wc and
 * zcat, so that the rest of the suite can lean on it. No logsift code runs in this file.
 */

const COMMON_FILES = [...NASA, JAVAGROK];
const COMBINED_FILES = [ELASTIC, NGINX_COMBINED, BASJES_HACKERS];

/** The `lines:` figure the data README gives for each file, keyed by its heading. */
function readmeLineCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  let heading = '';
  for (const line of readFileSync(dataPath('README.md'), 'utf8').split('\n')) {
    const h = /^## (.+)$/.exec(line);
    if (h) heading = h[1]!.trim();
    const l = /\blines: (\d+)/.exec(line);
    if (l && heading) counts.set(heading, Number(l[1]));
  }
  return counts;
}

/** README headings name files by folder and file name, e.g. `nasa-jul95/xaa`. */
test('line counts: README, wc -l corrected for a missing final newline, and the reference agree', { skip }, () => {
  const readme = readmeLineCounts();
  for (const file of ALL_TEXT_FILES) {
    const wc = wcLinesCorrected(dataPath(file));
    assert.equal(readme.get(file), wc, `${file}: README lines vs wc -l (+1 without final newline)`);
    assert.equal(readLogLines(dataPath(file)).length, wc, `${file}: reference line count`);
  }
  // The gzip file: zcat then count newlines (it does end with one).
  const text = zcat(BASJES_GZ);
  assert.ok(text.endsWith('\n'));
  assert.equal(text.split('\n').length - 1, 17);
  assert.equal(readLogLines(dataPath(BASJES_GZ)).length, 17);
  assert.equal(readme.get(BASJES_GZ), 17);
});

/**
 * Status counts, size sums and hosts per file, reference vs the awk programs of
 * support/awk-queries.ts. For common, every line of NASA and javagrok is well-formed under the
 * end-anchored reading, including javagrok's `"-" 408 -` and NASA's `"GET /images/" HTTP/1.0" 404 -`.
 * For combined, the malformed lines must be exactly those awk finds with NF != 7.
 */
function checkAgainstAwk(label: string, format: AccessFormat, ref: ReferenceFile, input: AwkInput): void {
  assertSameCounts(tally(ref.records, (r) => String(r.status)), awkStatusCounts(format, input), `${label}: status counts`);
  assert.equal(ref.records.reduce((s, r) => s + r.bytes, 0), awkSumBytes(format, input), `${label}: sum of sizes`);
  assertSameCounts(tally(ref.records, (r) => r.host), awkHostCounts(format, input), `${label}: hosts`);
  assert.equal(ref.records.filter((r) => r.bytes > 1_000_000).length, awkCountBytesOver(format, input, 1_000_000), `${label}: big`);
  assert.equal(ref.records.length, awkCountRecords(format, input), `${label}: records`);
  if (format === 'combined') assert.deepEqual(ref.malformed, awkCombinedMalformedLines(input), `${label}: malformed lines`);
}

for (const file of COMMON_FILES) {
  test(`reference vs awk, common: ${file}`, { skip }, () => {
    const ref = referenceFile(dataPath(file), 'common');
    assert.deepEqual(ref.malformed, [], 'every line is well-formed common');
    assert.equal(ref.records.length, wcLinesCorrected(dataPath(file)));
    checkAgainstAwk(file, 'common', ref, [file]);
  });
}

/**
 * Request splitting, checked on the ordinary lines: when a common line has exactly ten
 * space-separated fields, $6 is `"METHOD`, $7 the target and $8 `PROTOCOL"`. (The other lines,
 * with spaces in the target or no protocol, are what splitRequest's comment describes.)
 */
test('reference vs awk: method, url and protocol of ordinary NASA requests', { skip }, () => {
  const program =
    '{ sub(/\\r$/, "") } NF == 10 { print FILENAME, FNR, substr($6, 2), $7, substr($8, 1, length($8) - 1) }';
  const expected = awk(program, NASA);
  const byFile = new Map(NASA.map((f) => [f, new Map(referenceFile(dataPath(f), 'common').records.map((r) => [r.line, r]))]));
  let checked = 0;
  for (const line of expected.split('\n')) {
    if (line === '') continue;
    const [file, fnr, method, url, protocol] = line.split(' ');
    const rec = byFile.get(file!)!.get(Number(fnr))!;
    assert.deepEqual([rec.method, rec.url, rec.protocol], [method, url, protocol], `${file}:${fnr}`);
    checked++;
  }
  assert.ok(checked > 130_000, `checked ${checked} ordinary lines`);
});

for (const file of COMBINED_FILES) {
  test(`reference vs awk, combined: ${file}`, { skip }, () => {
    const ref = referenceFile(dataPath(file), 'combined');
    checkAgainstAwk(file, 'combined', ref, [file]);
    assert.deepEqual(ref.malformed, file === ELASTIC ? [8899] : []);
  });
}

test('reference vs zcat | awk, combined: basjes/access_log.gz (16 records, garbage line 2)', { skip }, () => {
  const ref = referenceFile(dataPath(BASJES_GZ), 'combined');
  checkAgainstAwk(BASJES_GZ, 'combined', ref, { stdin: zcat(BASJES_GZ) });
  assert.equal(ref.records.length, 16);
  assert.deepEqual(ref.malformed, [2]);
  assert.equal(ref.lines[1], 'xxxxxxxxxxxx');
});

/**
 * Time: awk buckets by the text of the hour (`01/Jul/1995:00` plus the zone); the reference
 * buckets instants. The files' offsets are whole hours, so both bucketings are the same.
 */
test('reference vs awk: 404s per hour over the ten NASA files', { skip }, () => {
  const byAwk = new Map<string, number>();
  for (const [hourText, count] of awkCountByHour('common', NASA, 'status == 404')) {
    const [day, zone] = hourText.split(' ');
    const t = parseClfTime(`${day}:00:00 ${zone}`);
    assert.ok(t, hourText);
    byAwk.set(String(t.ms), count);
  }
  const records = referenceRecords(NASA.map(dataPath), 'common').filter((r) => r.status === 404);
  assertSameCounts(tally(records, (r) => String(hourStart(r.time.ms))), byAwk, '404s per hour');
  assert.ok(byAwk.size > 50, `${byAwk.size} hours`);
});

test('reference: times keep their offsets (NASA -0400, javagrok -0800, elastic +0000)', { skip }, () => {
  const first = (file: string, format: AccessFormat) => referenceFile(dataPath(file), format).records[0]!;
  const nasa = first(NASA[0]!, 'common');
  assert.equal(nasa.timeText, '01/Jul/1995:00:00:01 -0400');
  assert.deepEqual(nasa.time, { ms: Date.parse('1995-07-01T00:00:01-04:00'), offsetMinutes: -240 });
  assert.equal(first(JAVAGROK, 'common').time.offsetMinutes, -480);
  assert.equal(first(ELASTIC, 'combined').time.ms, Date.parse('2015-05-17T10:05:03Z'));
});

/** nginx.log: JSON.parse per line against a plain awk match on the `"response": NNN` text. */
test('reference vs awk: nginx.log JSON lines', { skip }, () => {
  const objects = readJsonLines(dataPath(NGINX_JSON));
  assert.equal(objects.length, 8130);
  const program =
    '{ if (match($0, /"response": [0-9]+/)) n[substr($0, RSTART + 12, RLENGTH - 12)]++; else n["none"]++ } END { for (k in n) print k, n[k] }';
  assertSameCounts(tally(objects, (o) => String(o['response'])), awkCounts(program, [NGINX_JSON]), 'response counts');
});
