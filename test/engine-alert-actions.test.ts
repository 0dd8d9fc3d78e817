import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AlertActions } from '../src/engine/alert-actions.js';
import { withTempDir } from './support/temp-dir.js';

const event = (n: number) => ({ state: 'firing' as const, rule: 'count by host', row: `{"host":"h${n}"}`, at: '2026-12-02T00:00:00.000Z' });

test('--max-actions: exactly that many start in a minute, queued ones included; the rest are counted once', async () => {
  const { dir, done } = withTempDir('alert-actions');
  try {
    const out = join(dir, 'events.ndjson');
    const said: string[] = [];
    // Slow actions: more are queued than may run at once (4), so the queue counts toward the limit.
    const actions = new AlertActions({ exec: `cat >> '${out}'; sleep 0.2`, maxPerMinute: 6, say: (l) => said.push(l) });
    for (let i = 0; i < 7; i++) actions.send(event(i), 1_000_000);
    await actions.settle(10_000);
    const ran = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(ran.length, 6, ran.join('\n'));
    assert.deepEqual(said, ['logsift: 1 alert action(s) not run: more than 6 in a minute (--max-actions)']);
    // A minute later there is room again.
    actions.send(event(7), 1_000_000 + 60_000);
    await actions.settle(10_000);
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 7);
  } finally {
    done();
  }
});
