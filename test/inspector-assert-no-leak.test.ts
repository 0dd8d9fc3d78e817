import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoLeak, LeakError } from '../src/inspector/index.js';

/**
 * assertNoLeak in node:test, with no --expose-gc (this process runs without it): it catches a
 * function that keeps 4 KiB a call, names it, and passes clean ones, sync and async.
 */

type Fixtures = { leakyFunction: () => void; cleanFunction: () => number; boundedCache: () => Promise<void> };
const fixtures = (await import(new URL('../../test/fixtures/inspector/leak-functions.mjs', import.meta.url).href)) as Fixtures;

test('runs without --expose-gc', () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
});

test('assertNoLeak rejects a function that keeps 4 KiB a call, naming it, with about that growth per iteration', { timeout: 120_000 }, async () => {
  await assert.rejects(assertNoLeak(fixtures.leakyFunction, { iterations: 2000 }), (error: unknown) => {
    assert.ok(error instanceof LeakError, String(error));
    assert.match(error.message, /^assertNoLeak: live memory grew [\d.]+ KiB per iteration over 2000 iterations/);
    assert.match(error.message, /top growing sites:\n +\+[\d.]+ MiB +leakyFunction +.*leak-functions\.mjs:\d+/);
    // 4096 characters plus the string's header and the array's slot.
    assert.ok(error.bytesPerIteration > 4096 * 0.8 && error.bytesPerIteration < 4096 * 1.5, `${error.bytesPerIteration} bytes per iteration`);
    assert.equal(error.sites[0]!.function, 'leakyFunction');
    return true;
  });
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, "the program's global is left without gc");
});

test('assertNoLeak passes a clean function, and an async one whose cache stays bounded', { timeout: 120_000 }, async () => {
  await assertNoLeak(fixtures.cleanFunction, { iterations: 2000 });
  await assertNoLeak(fixtures.boundedCache, { iterations: 1000, warmup: 200 });
});

test('assertNoLeak checks its options', async () => {
  await assert.rejects(assertNoLeak(fixtures.cleanFunction, { iterations: 0 }), /iterations must be a whole number of at least 1/);
  await assert.rejects(assertNoLeak(fixtures.cleanFunction, { tolerance: -1 }), /tolerance must be bytes per iteration/);
  await assert.rejects(assertNoLeak(undefined as unknown as () => void), /give it the function to run/);
});
