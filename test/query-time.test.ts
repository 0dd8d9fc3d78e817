import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newTimeOut, type TimeOut } from '../src/formats/time/civil.js';
import { CLF_TIME_LENGTH, ClfTimeParser } from '../src/formats/time/clf-time.js';
import { IsoTimeScanner } from '../src/formats/time/iso-time.js';
import { LooseTimeParser } from '../src/formats/time/time-text.js';
import { parseInstant } from '../src/query/time-literal.js';

function iso(text: string): string | null {
  const t = parseInstant(text);
  return t === null ? null : `${new Date(t.ms).toISOString()} ${t.offsetMinutes}`;
}

test('ISO-8601 with Z, offsets and fractions', () => {
  assert.equal(iso('2015-05-17T10:00:00Z'), '2015-05-17T10:00:00.000Z 0');
  assert.equal(iso('2015-05-17T10:00:00+02:00'), '2015-05-17T08:00:00.000Z 120');
  assert.equal(iso('2015-05-17T10:00:00-0430'), '2015-05-17T14:30:00.000Z -270');
  assert.equal(iso('2015-05-17T10:00:00.25Z'), '2015-05-17T10:00:00.250Z 0');
  assert.equal(iso('2015-05-17T10:00:00.123456789Z'), '2015-05-17T10:00:00.123Z 0');
  assert.equal(iso('2015-05-17 10:00'), '2015-05-17T10:00:00.000Z 0', 'space for T, no seconds, no zone = UTC');
});

test('date-only is midnight UTC', () => {
  assert.equal(iso('2015-05-17'), '2015-05-17T00:00:00.000Z 0');
  assert.equal(iso('2016-02-29'), '2016-02-29T00:00:00.000Z 0');
  assert.equal(parseInstant('0050-01-01')!.ms, Date.parse('0050-01-01T00:00:00Z'), 'years below 100 stay as written');
});

test('CLF as in access logs', () => {
  assert.equal(iso('17/May/2015:10:00:00 +0000'), '2015-05-17T10:00:00.000Z 0');
  assert.equal(iso('01/Jul/1995:00:00:01 -0400'), '1995-07-01T04:00:01.000Z -240');
  assert.equal(iso('1/jul/1995:00:00:01'), '1995-07-01T00:00:01.000Z 0');
});

test('not times', () => {
  for (const bad of ['', 'yesterday', '2015-5-17', '2015-02-30', '2015-13-01', '2015-05-17T24:00:00Z', '17/Foo/2015:10:00:00 +0000', '2015-05-17T10:00:00+25:00', '1431856800']) {
    assert.equal(parseInstant(bad), null, bad);
  }
});

/**
 * One grammar: a query literal is read by the scanners that read log text. Each row is a text,
 * the instant it names (ISO in UTC, then the offset it was written with) or null, and whether
 * it is a shape of log text too (IsoTimeScanner.scan, ClfTimeParser.parse, hence JSON and
 * logfmt fields) rather than one only people write (read by scanDateOrTime / parseAny).
 */
const GRAMMAR: [text: string, instant: string | null, logShape: boolean][] = [
  // ISO-8601 as logs write it.
  ['2015-05-17T10:00:00Z', '2015-05-17T10:00:00.000Z 0', true],
  ['2015-05-17T10:00:00z', '2015-05-17T10:00:00.000Z 0', true],
  ['2015-05-17t10:00:00Z', '2015-05-17T10:00:00.000Z 0', true],
  ['2015-05-17 10:00:00,250', '2015-05-17T10:00:00.250Z 0', true],
  ['2015-05-17T10:00:00.123456789Z', '2015-05-17T10:00:00.123Z 0', true],
  ['2015-05-17T10:00:00.1234567891Z', '2015-05-17T10:00:00.123Z 0', true],
  ['2015-05-17T10:00:00+02:00', '2015-05-17T08:00:00.000Z 120', true],
  ['2015-05-17T10:00:00-0430', '2015-05-17T14:30:00.000Z -270', true],
  ['2015-05-17T10:00+02', '2015-05-17T08:00:00.000Z 120', true],
  ['2015-05-17 10:00:00.5 +0200', '2015-05-17T08:00:00.500Z 120', true],
  ['2015-05-17 10:00:00 -02:30', '2015-05-17T12:30:00.000Z -150', true],
  ['2015-05-17 10:00', '2015-05-17T10:00:00.000Z 0', true],
  ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z 0', true],
  // A date alone: midnight, UTC unless a zone follows.
  ['2015-05-17', '2015-05-17T00:00:00.000Z 0', false],
  ['2016-02-29', '2016-02-29T00:00:00.000Z 0', false],
  ['0050-01-01', '0050-01-01T00:00:00.000Z 0', false],
  ['2015-05-17Z', '2015-05-17T00:00:00.000Z 0', false],
  ['2015-05-17+02:00', '2015-05-16T22:00:00.000Z 120', false],
  ['2015-05-17 -0430', '2015-05-17T04:30:00.000Z -270', false],
  // CLF: the access-log shape, then one-digit days, no zone, `+hh:mm`.
  ['17/May/2015:10:00:00 +0000', '2015-05-17T10:00:00.000Z 0', true],
  ['01/jul/1995:00:00:01 -0400', '1995-07-01T04:00:01.000Z -240', true],
  ['31/Dec/2016:23:59:60 +0000', '2017-01-01T00:00:00.000Z 0', true],
  ['17/May/2015:10:00:00', '2015-05-17T10:00:00.000Z 0', false],
  ['1/Jul/1995:00:00:01', '1995-07-01T00:00:01.000Z 0', false],
  ['1/Jul/1995:00:00:01 +0200', '1995-06-30T22:00:01.000Z 120', false],
  ['17/May/2015:10:00:00 +05:30', '2015-05-17T04:30:00.000Z 330', false],
  // Not times, in any shape.
  ['', null, false],
  ['yesterday', null, false],
  ['2015-5-17', null, false],
  ['2015-04-31', null, false],
  ['2015-02-29', null, false],
  ['2015-13-01', null, false],
  ['2015-05-17T24:00:00Z', null, false],
  ['2015-05-17T10:60:00Z', null, false],
  ['2015-05-17T10:00:61Z', null, false],
  ['2015-05-17T10:00:00+2400', null, false],
  ['2015-05-17T10:00:00+0060', null, false],
  ['2015-05-17T10:00:00+25:00', null, false],
  ['2015-05-17T10:00:00+0200abc', null, false],
  ['2015-05-17T10', null, false],
  ['2015-05-17T10:00:00.', null, false],
  ['2015-05-17T10:00:00 Z', null, false],
  ['2015-05-17T10:00:00 +02', null, false],
  ['2015-05-17T10:00:00  +0200', null, false],
  ['2015-05-17T10:00:00\t+0200', null, false],
  ['2015-05-17 +02', null, false],
  ['2015-05-17T10:00:0\u0130Z', null, false], // U+0130 must not read as its low byte, `0`
  ['17/Foo/2015:10:00:00 +0000', null, false],
  ['32/May/2015:10:00:00 +0000', null, false],
  ['001/May/2015:10:00:00', null, false],
  ['17/May/2015:24:00:00 +0000', null, false],
  ['17/May/2015:10:00:00 +2400', null, false],
  ['17/May/2015:10:00:00 +0060', null, false],
  ['17/May/2015:10:00:00  +0000', null, false],
  ['17/May/2015:10:00:00 Z', null, false],
  ['17/May/2015:10:00:00+0000', null, false],
  ['1431856800', null, false],
  ['1431856800000', null, false],
];

function shown(out: TimeOut): string {
  return `${new Date(out.ms).toISOString()} ${out.offsetMinutes}`;
}

test('one grammar: parseInstant reads what the log-text scanners read', () => {
  // Shared across rows, as in a log: the scanners' date caches must not leak between texts.
  const isoScanner = new IsoTimeScanner();
  const clf = new ClfTimeParser();
  const loose = new LooseTimeParser();
  const out = newTimeOut();
  for (const [text, want, logShape] of GRAMMAR) {
    assert.equal(iso(text), want, `parseInstant ${JSON.stringify(text)}`);
    const buf = Buffer.from(text);
    const n = buf.length;
    const byIso = isoScanner.scanDateOrTime(buf, 0, n, out) === n ? shown(out) : null;
    const byClf = clf.parseAny(buf, 0, n, out) ? shown(out) : null;
    assert.ok(byIso === null || byClf === null, `${JSON.stringify(text)}: both ISO and CLF`);
    assert.equal(byIso ?? byClf, want, `scanners ${JSON.stringify(text)}`);
    // The shapes of log text, and only those, pass the hot entry points, to the same instant.
    const hot = isoScanner.scan(buf, 0, n, out) === n || (n === CLF_TIME_LENGTH && clf.parse(buf, 0, n, out));
    assert.equal(hot ? shown(out) : null, logShape ? want : null, `log text ${JSON.stringify(text)}`);
    // JSON and logfmt fields read those shapes too, and digits as epoch seconds or milliseconds.
    if (!/^\d+$/.test(text)) {
      assert.equal(loose.parseText(text, out) ? shown(out) : null, logShape ? want : null, `field ${JSON.stringify(text)}`);
    }
  }
  // Whitespace around a literal is the query's, not the grammar's.
  assert.equal(iso(' \t2015-05-17T10:00:00Z\n'), '2015-05-17T10:00:00.000Z 0');
});
