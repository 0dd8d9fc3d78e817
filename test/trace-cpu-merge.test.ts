import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V8CpuProfile } from '../src/trace/cpu-profile.js';
import { CpuProfileMerger, profileBefore } from '../src/trace/agent/cpu-merge.js';

const frame = (functionName: string, lineNumber: number) => ({ functionName, scriptId: '1', url: 'file:///app.js', lineNumber, columnNumber: 0 });

/** A chunk with root -> main -> (work | wait), its samples `ids` at `every` µs from `start`. */
function chunk(start: number, ids: readonly number[], every: number): V8CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)', -1), hitCount: 0, children: [2] },
      { id: 2, callFrame: frame('main', 1), hitCount: 0, children: [3, 4] },
      { id: 3, callFrame: frame('work', 5), hitCount: ids.filter((i) => i === 3).length, positionTicks: [{ line: 6, ticks: 2 }] },
      { id: 4, callFrame: frame('wait', 9), hitCount: ids.filter((i) => i === 4).length },
    ],
    startTime: start,
    endTime: start + every * ids.length,
    samples: [...ids],
    timeDeltas: ids.map(() => every),
  };
}

test('chunks merge by call path; the timeline spans start to end, with the gap between chunks on the next first sample', () => {
  const merger = new CpuProfileMerger();
  assert.ok(merger.empty);
  // Clock values as V8 gives them (microseconds of a monotonic clock, far from zero).
  merger.add(chunk(5_000_000_000, [3, 3, 4], 1000));
  merger.add(chunk(5_000_004_000, [4, 3], 1000)); // starts 1 ms after the first ended
  const p = merger.profile();
  assert.equal(p.startTime, 5_000_000_000);
  assert.equal(p.endTime, 5_000_006_000);
  const sum = p.timeDeltas!.reduce((a, b) => a + b, 0);
  assert.equal(sum, 6000, 'three samples, the 1 ms gap, then two samples: 1 ms each');
  assert.ok(sum <= p.endTime - p.startTime, `a timeline of ${sum} µs cannot be longer than the profile (${p.endTime - p.startTime} µs)`);
  const byName = new Map(p.nodes.map((n) => [n.callFrame.functionName, n]));
  assert.equal(p.nodes.length, 4, 'the same call paths are one node each');
  assert.equal(byName.get('work')!.hitCount, 3);
  assert.equal(byName.get('wait')!.hitCount, 2);
  assert.deepEqual(byName.get('work')!.positionTicks, [{ line: 6, ticks: 4 }]);
  assert.equal(p.samples!.length, 5);
});

test('profileBefore keeps the samples before a time, with hit counts and line ticks to match', () => {
  const p = chunk(1_000_000, [3, 3, 4, 3], 1000); // samples at +1, +2, +3, +4 ms
  const cut = profileBefore(p, 1_002_500);
  assert.deepEqual(cut.samples, [3, 3]);
  assert.equal(cut.endTime, 1_002_500);
  const work = cut.nodes.find((n) => n.callFrame.functionName === 'work')!;
  assert.equal(work.hitCount, 2);
  assert.deepEqual(work.positionTicks, [{ line: 6, ticks: 1 }], 'two of its three samples kept: two thirds of its two ticks');
  assert.equal(cut.nodes.find((n) => n.callFrame.functionName === 'wait')!.hitCount, 0);
  assert.equal(profileBefore(p, p.endTime + 1), p, 'a profile that ends before the cut is whole');
  // Joined with the profile that starts at the cut, every sample counts once.
  const merger = new CpuProfileMerger();
  merger.add(cut);
  merger.add(chunk(1_002_500, [4, 3], 1000));
  const joined = merger.profile();
  assert.equal(joined.samples!.length, 4);
  assert.equal(joined.nodes.find((n) => n.callFrame.functionName === 'work')!.hitCount, 3);
});
