/** The alert state machine on its own, with times given: fires once per crossing, --for, resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertRule, eventJson, type AlertResult } from '../src/engine/alerts.js';

const result = (rows: [string, number][]): AlertResult => ({ columns: ['host', 'count'], keys: ['host'], rows });
const brief = (events: ReturnType<AlertRule['evaluate']>): string[] => events.map((e) => `${e.state} ${JSON.parse(e.row).host}`);

test('a row fires once while present, resolves when gone, and fires again on a new crossing', () => {
  const rule = new AlertRule('q', 0);
  assert.deepEqual(brief(rule.evaluate(result([['a', 11]]), 0)), ['firing a']);
  assert.deepEqual(brief(rule.evaluate(result([['a', 15], ['b', 12]]), 100)), ['firing b']);
  assert.equal(rule.firing, 2);
  assert.deepEqual(brief(rule.evaluate(result([['b', 12]]), 200)), ['resolved a']);
  assert.deepEqual(brief(rule.evaluate(result([]), 300)), ['resolved b']);
  assert.deepEqual(brief(rule.evaluate(result([['a', 11]]), 400)), ['firing a']);
});

test('--for: fires only after the row held that long; a row gone sooner never fires nor resolves', () => {
  const rule = new AlertRule('q', 1000);
  assert.deepEqual(rule.evaluate(result([['a', 11], ['b', 11]]), 0), []);
  assert.deepEqual(rule.evaluate(result([['a', 11]]), 500), [], 'b went away before --for: nothing');
  assert.deepEqual(brief(rule.evaluate(result([['a', 11]]), 1000)), ['firing a']);
  assert.deepEqual(rule.evaluate(result([['a', 11], ['b', 11]]), 1200), [], 'b starts a new stretch');
  assert.deepEqual(brief(rule.evaluate(result([['b', 11]]), 2200)), ['firing b', 'resolved a']);
});

test('an aggregate without keys is one group; events are one JSON line each with the last row', () => {
  const rule = new AlertRule('count > 5', 0);
  const one = (n: number): AlertResult => ({ columns: ['count'], keys: [], rows: [[n]] });
  const [fired] = rule.evaluate(one(6), Date.UTC(2026, 11, 2, 10));
  assert.deepEqual(JSON.parse(eventJson(fired!)), { state: 'firing', rule: 'count > 5', row: { count: 6 }, at: '2026-12-02T10:00:00.000Z' });
  assert.deepEqual(rule.evaluate(one(9), 1), [], 'the same group, still firing');
  const [resolved] = rule.evaluate({ columns: ['count'], keys: [], rows: [] }, 2);
  assert.equal(JSON.parse(eventJson(resolved!)).row.count, 9, 'resolved carries the last row seen');
});
