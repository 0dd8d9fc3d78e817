import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASJES_HACKERS,
  ELASTIC,
  JAVAGROK,
  NASA,
  dataPath,
  sift,
  skipUnlessData as skip,
} from './support/shared-data.js';
import { awk } from './support/shell.js';
import { isoOffsetMinutes, referenceFile, referenceRecords, type AccessRecord } from './support/reference.js';
import { assertSameLines, describe, jsonRows } from './support/conformance.js';

/**
 * Filter-only queries print the matching original lines, unchanged and in input order. The
 * expected output is what awk prints for the same condition (awk prints each selected record
 * followed by "\n", also the last line of a file without a final newline), and the reference
 * reader must select the same lines, so the two witnesses check each other as well.
 *
 * For common (NASA), `path startswith "/images"` is awk's `index($7, "/images") == 1`: $6 is
 * `"GET`, $7 the first word of the target, and a prefix of the target is a prefix of its first
 * word and of its path (the part before `?`). For combined (elastic), split on `"`, the request is
 * $2 and its second word the target.
 */

function awkLines(program: string, files: readonly string[], fieldSep?: string): string[] {
  return awk(program, files, fieldSep).split('\n').slice(0, -1);
}

function referenceLines(files: readonly string[], format: 'common' | 'combined', keep: (r: AccessRecord) => boolean): string[] {
  const out: string[] = [];
  for (const file of files) {
    const ref = referenceFile(dataPath(file), format);
    for (const r of ref.records) if (keep(r)) out.push(ref.lines[r.line - 1]!);
  }
  return out;
}

interface FilterCase {
  readonly query: string;
  readonly files: readonly string[];
  readonly format: 'common' | 'combined';
  readonly awk: string;
  readonly fieldSep?: string;
  readonly reference: (r: AccessRecord) => boolean;
}

const CASES: readonly FilterCase[] = [
  {
    query: 'status == 404 and path startswith "/images"',
    files: NASA,
    format: 'common',
    awk: '$(NF-1) == 404 && index($7, "/images") == 1',
    reference: (r) => r.status === 404 && r.path.startsWith('/images'),
  },
  {
    query: 'status >= 300 and status < 400 and path startswith "/history"',
    files: NASA,
    format: 'common',
    awk: '$(NF-1) >= 300 && $(NF-1) < 400 && index($7, "/history") == 1',
    reference: (r) => r.status >= 300 && r.status < 400 && r.path.startsWith('/history'),
  },
  {
    query: 'status >= 400 and path startswith "/files"',
    files: [ELASTIC],
    format: 'combined',
    awk: 'NF == 7 { split($3, a, " "); split($2, q, " "); if (a[1] >= 400 && index(q[2], "/files") == 1) print }',
    fieldSep: '"',
    reference: (r) => r.status >= 400 && r.path.startsWith('/files'),
  },
  {
    // javagrok: `"OPTIONS * HTTP/1.0"`; awk's $6 is the method with its opening quote.
    query: 'method == "OPTIONS"',
    files: [JAVAGROK],
    format: 'common',
    awk: '{ sub(/\\r$/, "") } $6 == "\\"OPTIONS"',
    reference: (r) => r.method === 'OPTIONS',
  },
  {
    // javagrok: the request `"-"` with status 408 and size `-`.
    query: 'status == 408',
    files: [JAVAGROK],
    format: 'common',
    awk: '{ sub(/\\r$/, "") } $(NF-1) == 408',
    reference: (r) => r.status === 408,
  },
  {
    // basjes hackers: full-URL requests, `GET http://niels.basj.es/... HTTP/1.0`.
    query: 'url startswith "http://"',
    files: [BASJES_HACKERS],
    format: 'combined',
    awk: 'NF == 7 { split($2, q, " "); if (index(q[2], "http://") == 1) print }',
    fieldSep: '"',
    reference: (r) => r.url.startsWith('http://'),
  },
];

for (const c of CASES) {
  test(`filter \`${c.query}\` on ${c.files.length > 1 ? 'the ten NASA files' : c.files[0]} prints exactly the lines awk selects`, { skip }, () => {
    const expected = awkLines(c.awk, c.files, c.fieldSep);
    assert.ok(expected.length > 0, `awk selected ${expected.length} lines`);
    assert.deepEqual(referenceLines(c.files, c.format, c.reference), expected, 'reference and awk disagree');
    const args = [c.query, ...c.files];
    const r = sift(args);
    assert.equal(r.code, 0, describe(args, r));
    assertSameLines(r.stdout, expected, c.query);
    assert.equal(r.stdout, expected.join('\n') + '\n', 'byte for byte');
  });
}

/** NASA xaj line 11752 is `"GET /images/" HTTP/1.0" 404 -`: a stray quote inside the request. */
test('the NASA 404 /images filter keeps the line with a stray quote in the request', { skip }, () => {
  const r = sift([CASES[0]!.query, ...NASA]);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes('frank.mtsu.edu - - [03/Jul/1995:02:41:15 -0400] "GET /images/" HTTP/1.0" 404 -\n'));
});

test('head 5 after a filter prints the first five matching original lines', { skip }, () => {
  const args = ['status == 404 | head 5', ...NASA];
  const r = sift(args);
  assert.equal(r.code, 0, describe(args, r));
  assertSameLines(r.stdout, awkLines('$(NF-1) == 404', NASA).slice(0, 5), args[0]!);
});

/**
 * --json prints parsed records: one array of objects with the documented field names; status and
 * bytes are numbers; time is an ISO-8601 string that keeps the line's offset (-04:00 for NASA).
 */
test('--json of a filter: records with documented names and types, equal to the reference', { skip }, () => {
  const query = 'status == 404 and path startswith "/images"';
  const expected = referenceRecords(NASA.map(dataPath), 'common').filter((r) => r.status === 404 && r.path.startsWith('/images'));
  const rows = jsonRows([query, ...NASA]);
  assert.equal(rows.length, expected.length);
  rows.forEach((row, i) => {
    const ref = expected[i]!;
    const where = `record ${i + 1} (line ${ref.line}): ${JSON.stringify(row)}`;
    for (const name of ['host', 'ident', 'user', 'time', 'method', 'url', 'path', 'protocol', 'status', 'bytes', 'request']) {
      assert.ok(name in row, `${where}: no field ${name}`);
    }
    assert.equal(typeof row['status'], 'number', where);
    assert.equal(typeof row['bytes'], 'number', where);
    assert.equal(typeof row['time'], 'string', where);
    const time = row['time'] as string;
    assert.match(time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/, where);
    assert.equal(Date.parse(time), ref.time.ms, `${where}: instant`);
    assert.equal(isoOffsetMinutes(time), -240, `${where}: offset`);
    assert.deepEqual(
      {
        host: row['host'],
        method: row['method'],
        url: row['url'],
        path: row['path'],
        protocol: row['protocol'],
        status: row['status'],
        bytes: row['bytes'],
        request: row['request'],
      },
      {
        host: ref.host,
        method: ref.method,
        url: ref.url,
        path: ref.path,
        protocol: ref.protocol,
        status: ref.status,
        bytes: ref.bytes,
        request: ref.request,
      },
      where,
    );
  });
});

test('--ndjson of a filter: one JSON object per line, same records as --json', { skip }, () => {
  const args = ['status == 404 and path startswith "/images"', ...NASA];
  const r = sift(['--ndjson', ...args]);
  assert.equal(r.code, 0, describe(['--ndjson', ...args], r));
  const lines = r.stdout.split('\n');
  assert.equal(lines.pop(), '');
  assert.deepEqual(lines.map((l) => JSON.parse(l) as unknown), jsonRows(args));
});
