import { test } from 'node:test';
import assert from 'node:assert/strict';
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
