import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTimeOut } from '../src/formats/time/civil.js';
import { ClfTimeParser } from '../src/formats/time/clf-time.js';
import { IsoTimeScanner } from '../src/formats/time/iso-time.js';
import { compileStrftime } from '../src/formats/time/strftime.js';
import { LooseTimeParser } from '../src/formats/time/time-text.js';

function clf(parser: ClfTimeParser, text: string): [number, number] | null {
  const out = newTimeOut();
  const buf = Buffer.from(text);
  return parser.parse(buf, 0, buf.length, out) ? [out.ms, out.offsetMinutes] : null;
}

test('CLF times: offsets, and the one-entry cache across days and zones', () => {
  const parser = new ClfTimeParser();
  assert.deepEqual(clf(parser, '10/Oct/2000:13:55:36 -0700'), [Date.UTC(2000, 9, 10, 20, 55, 36), -420]);
  assert.deepEqual(clf(parser, '10/Oct/2000:13:55:37 -0700'), [Date.UTC(2000, 9, 10, 20, 55, 37), -420]);
  assert.deepEqual(clf(parser, '10/Oct/2000:13:55:37 +0530'), [Date.UTC(2000, 9, 10, 8, 25, 37), 330]);
  assert.deepEqual(clf(parser, '11/Oct/2000:00:00:00 +0000'), [Date.UTC(2000, 9, 11), 0]);
  assert.deepEqual(clf(parser, '29/Feb/2000:23:59:59 +0000'), [Date.UTC(2000, 1, 29, 23, 59, 59), 0]);
  assert.deepEqual(clf(parser, '01/jan/1970:00:00:00 +0000'), [0, 0]);
  assert.equal(clf(parser, '29/Feb/2001:00:00:00 +0000'), null);
  assert.equal(clf(parser, '10/Oct/2000:24:00:00 +0000'), null);
  assert.equal(clf(parser, '10/Oct/2000:13:55:36 0700'), null);
  assert.equal(clf(parser, '10/Oct/2000:13:55:36'), null);
  // After failures the cache still answers correctly.
  assert.deepEqual(clf(parser, '10/Oct/2000:13:55:36 -0700'), [Date.UTC(2000, 9, 10, 20, 55, 36), -420]);
});

function iso(text: string): [number, number, number] | null {
  const out = newTimeOut();
  const buf = Buffer.from(text);
  const end = new IsoTimeScanner().scan(buf, 0, buf.length, out);
  return end < 0 ? null : [out.ms, out.offsetMinutes, end];
}

test('ISO-8601 timestamps: separators, fractions, zones', () => {
  assert.deepEqual(iso('2024-01-02T03:04:05.678Z'), [Date.UTC(2024, 0, 2, 3, 4, 5, 678), 0, 24]);
  assert.deepEqual(iso('2024-01-02 03:04:05,678 INFO'), [Date.UTC(2024, 0, 2, 3, 4, 5, 678), 0, 23]);
  assert.deepEqual(iso('2024-01-02T03:04:05+01:00'), [Date.UTC(2024, 0, 2, 2, 4, 5), 60, 25]);
  assert.deepEqual(iso('2024-01-02T03:04:05-0230'), [Date.UTC(2024, 0, 2, 5, 34, 5), -150, 24]);
  assert.deepEqual(iso('2024-01-02T03:04:05+05'), [Date.UTC(2024, 0, 1, 22, 4, 5), 300, 22]);
  assert.deepEqual(iso('2024-01-02 03:04:05 +0100 x'), [Date.UTC(2024, 0, 2, 2, 4, 5), 60, 25]);
  assert.deepEqual(iso('2024-01-02T03:04'), [Date.UTC(2024, 0, 2, 3, 4), 0, 16]);
  assert.deepEqual(iso('2024-01-02 03:04:05 - x'), [Date.UTC(2024, 0, 2, 3, 4, 5), 0, 19], 'a dash is not a zone');
  assert.equal(iso('2024-02-30T03:04:05Z'), null);
  assert.equal(iso('2024/01/02 03:04:05'), null);
  assert.equal(iso('2024-01-02'), null);
});

function strftime(pattern: string, text: string): [number, number, number] | null {
  const out = newTimeOut();
  const buf = Buffer.from(text);
  const end = compileStrftime(pattern).scan(buf, 0, buf.length, out);
  return end < 0 ? null : [out.ms, out.offsetMinutes, end];
}

test('strftime patterns', () => {
  assert.deepEqual(strftime('%Y-%m-%dT%H:%M:%S%z', '2024-03-05T06:07:08+0100]'), [Date.UTC(2024, 2, 5, 5, 7, 8), 60, 24]);
  assert.deepEqual(strftime('%a %b %e %T %Y', 'Tue Mar  5 06:07:08 2024'), [Date.UTC(2024, 2, 5, 6, 7, 8), 0, 24]);
  assert.deepEqual(strftime('%d/%B/%y %I:%M %p', '05/March/24 06:07 PM'), [Date.UTC(2024, 2, 5, 18, 7), 0, 20]);
  assert.deepEqual(strftime('%s', '1700000000 rest'), [1700000000000, 0, 10]);
  assert.deepEqual(strftime('%F %R', '2024-03-05 06:07'), [Date.UTC(2024, 2, 5, 6, 7), 0, 16]);
  assert.equal(strftime('%Y-%m-%d', '2024-3x'), null);
});

test('loose times: ISO, CLF, epoch seconds and milliseconds', () => {
  const parser = new LooseTimeParser();
  const out = newTimeOut();
  assert.ok(parser.parseText('17/May/2015:08:05:32 +0000', out));
  assert.equal(out.ms, Date.UTC(2015, 4, 17, 8, 5, 32));
  assert.ok(parser.parseText('2015-05-17T08:05:32.5Z', out));
  assert.equal(out.ms, Date.UTC(2015, 4, 17, 8, 5, 32, 500));
  assert.ok(parser.parseText('1431849932', out));
  assert.equal(out.ms, 1431849932000);
  assert.ok(parser.parseText('1431849932123', out));
  assert.equal(out.ms, 1431849932123);
  assert.ok(!parser.parseText('2015-05-17T08:05:32Z trailing', out));
  assert.ok(!parser.parseText('soon', out));
  assert.ok(!parser.parseText('', out));
});

test('CLF times: check() accepts exactly what parse() accepts', () => {
  const texts = [
    '10/Oct/2000:13:55:36 -0700', '10/Oct/2000:13:55:36 -0700', '31/Feb/2015:10:05:03 +0000', '10/Oct/2000:13:55:36 -0700',
    '10/Oct/2000:13:60:36 -0700', '10/Oct/2000:13:55:61 -0700', '10/Oct/2000 13:55:36 -0700', '10/Xyz/2000:13:55:36 -0700',
    '10/Oct/2000:13:55:36 +07x0', '11/Oct/2000:13:55:36 -0700', '29/Feb/2004:00:00:00 +0000', '29/Feb/1900:00:00:00 +0000',
  ];
  const checker = new ClfTimeParser();
  const parser = new ClfTimeParser();
  for (const text of texts) {
    const buf = Buffer.from(text);
    assert.equal(checker.check(buf, 0, buf.length), clf(parser, text) !== null, text);
  }
});

test('ISO-8601 timestamps: the date cache across days, and invalid dates after valid ones', () => {
  const scanner = new IsoTimeScanner();
  const scan = (text: string): number | null => {
    const out = newTimeOut();
    const buf = Buffer.from(text);
    return scanner.scan(buf, 0, buf.length, out) < 0 ? null : out.ms;
  };
  assert.equal(scan('2024-02-28T23:59:59Z'), Date.UTC(2024, 1, 28, 23, 59, 59));
  assert.equal(scan('2024-02-28T24:00:00Z'), null, 'same date, bad hour');
  assert.equal(scan('2023-02-29T00:00:00Z'), null, 'not a leap year');
  assert.equal(scan('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29));
  assert.equal(scan('2024-02-30T00:00:00Z'), null);
  assert.equal(scan('2024-02-29 00:00:61'), null, 'cached date, bad second');
  assert.equal(scan('2024-02-29 00:00:60,5'), Date.UTC(2024, 1, 29, 0, 1, 0, 500), 'a leap second');
  assert.equal(scan('2024-02-28T23:59:59z'), Date.UTC(2024, 1, 28, 23, 59, 59), 'back to an earlier day');
  // The usual shape (`.fff` then `Z` or a space) of the cached date, and near misses of it.
  assert.equal(scan('2024-02-28T01:02:03.456Z'), Date.UTC(2024, 1, 28, 1, 2, 3, 456));
  assert.equal(scan('2024-02-28 01:02:03,456 INFO'), Date.UTC(2024, 1, 28, 1, 2, 3, 456));
  assert.equal(scan('2024-02-28 01:02:03.456 +0100'), Date.UTC(2024, 1, 28, 0, 2, 3, 456), 'a zone after a space');
  assert.equal(scan('2024-02-28T01:02:03.4567Z'), Date.UTC(2024, 1, 28, 1, 2, 3, 456), 'a fourth digit is dropped');
  assert.equal(scan('2024x02-28T01:02:03.456Z'), null, 'the date separators are checked on a cache hit too');
  assert.equal(scan('2024-02-28T01:02:3x.456Z'), null);
  assert.equal(scan('2024-02-28T01:60:03.456Z'), null);
});
