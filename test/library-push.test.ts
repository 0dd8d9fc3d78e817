/**
 * The library, push style: `into` drives pull stages with pushes, `broadcast` feeds one read to
 * several pipelines (each equal to the same pipeline pulled alone), `drain` bridges pull to push,
 * and `follow` is a source of growing files for either style.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAccessLog } from '../bench/generate-access.js';
import { withTempDir } from './support/temp-dir.js';
import { broadcast, cat, drain, filter, find, follow, format, into, lines, LineBatch, open, parse, pipe, RunContext, take } from '../src/index.js';

const withDir = (): { dir: string; done: () => void } => withTempDir('push');

async function pulled(ctx: RunContext, path: string, condition: string, n?: number): Promise<string[]> {
  const out: string[] = [];
  const parsed = pipe(find(ctx, [path]), open(ctx), cat(ctx), lines(ctx), parse(ctx), filter(ctx, condition));
  const limited = n === undefined ? parsed : take(ctx, n)(parsed);
  for await (const texts of format(ctx, 'line')(limited)) out.push(...texts);
  return out;
}

test('broadcast: one read feeds several pipelines, each equal to the same pipeline pulled alone', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeAccessLog(log, { lines: 30_000, seed: 11 });
    const ctx = new RunContext();
    const notFound: string[] = [];
    const errors: string[] = [];
    const firstPosts: string[] = [];
    const collect = (into: string[]) => (texts: readonly string[]) => void into.push(...texts);
    await drain(
      pipe(find(ctx, [log]), open(ctx), cat(ctx), lines(ctx), parse(ctx)),
      broadcast(
        into((s: AsyncIterable<LineBatch>) => format(ctx, 'line')(filter(ctx, 'status == 404')(s)), collect(notFound)),
        into((s: AsyncIterable<LineBatch>) => format(ctx, 'line')(filter(ctx, 'status >= 500')(s)), collect(errors)),
        into((s: AsyncIterable<LineBatch>) => format(ctx, 'line')(take(ctx, 5)(filter(ctx, 'method == "POST"')(s))), collect(firstPosts)),
      ),
    );
    const alone = new RunContext();
    assert.deepEqual(notFound, await pulled(alone, log, 'status == 404'));
    assert.deepEqual(errors, await pulled(alone, log, 'status >= 500'));
    assert.deepEqual(firstPosts, await pulled(alone, log, 'method == "POST"', 5));
    assert.ok(notFound.length > 100 && errors.length > 10 && firstPosts.length === 5);
  } finally {
    done();
  }
});

test('drain stops reading once every target is closed (a satisfied take)', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'access.log');
    writeAccessLog(log, { lines: 200_000, seed: 2 });
    const ctx = new RunContext({ chunkSize: 64 * 1024 });
    let batches = 0;
    const counted = async function* (s: AsyncIterable<LineBatch>) {
      for await (const b of s) {
        batches++;
        yield b;
      }
    };
    const got: string[] = [];
    await drain(pipe(find(ctx, [log]), open(ctx), cat(ctx), lines(ctx), counted), into((s: AsyncIterable<LineBatch>) => format(ctx, 'line')(take(ctx, 3)(s)), (t) => void got.push(...t)));
    assert.equal(got.length, 3);
    assert.ok(batches <= 2, `read ${batches} batches for 3 lines`);
  } finally {
    done();
  }
});

test('a push resolves only once the consumer is done with the item (safe for recycled buffers)', async () => {
  const order: string[] = [];
  const target = into(
    (s: AsyncIterable<number>) => s,
    async (n) => {
      order.push(`start ${n}`);
      await new Promise((r) => setTimeout(r, 10));
      order.push(`end ${n}`);
    },
  );
  for (const n of [1, 2]) {
    await target.push(n);
    order.push(`pushed ${n}`);
  }
  await target.end();
  assert.deepEqual(order, ['start 1', 'end 1', 'pushed 1', 'start 2', 'end 2', 'pushed 2']);
});

test("a consumer's failure closes its target and comes out of end()", async () => {
  const target = into(
    (s: AsyncIterable<number>) => s,
    (n) => {
      if (n === 2) throw new Error('consumer broke at 2');
    },
  );
  await target.push(1);
  await target.push(2);
  assert.equal(target.closed, true);
  await target.push(3); // ignored, resolves at once
  await assert.rejects(target.end(), /consumer broke at 2/);
});

test('follow() yields lines appended to a file, parsed and filtered like any source, until aborted', async () => {
  const { dir, done } = withDir();
  try {
    const log = join(dir, 'app.log');
    writeFileSync(log, '2026-12-02T10:00:00Z INFO started\n');
    const ctx = new RunContext();
    const stop = new AbortController();
    const errors: string[] = [];
    const reading = drain(
      pipe(follow(ctx, [log], { from: 'start', signal: stop.signal, pollMs: 50 }), parse(ctx, { format: 'applog' })),
      into((s: AsyncIterable<LineBatch>) => format(ctx, 'line')(filter(ctx, 'level == "ERROR"')(s)), (t) => void errors.push(...t)),
    );
    for (let i = 0; i < 5; i++) {
      appendFileSync(log, `2026-12-02T10:00:0${i}Z ERROR failure ${i}\n2026-12-02T10:00:0${i}Z INFO fine\n`);
      await new Promise((r) => setTimeout(r, 30));
    }
    const deadline = Date.now() + 30_000;
    while (errors.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop.abort();
    await reading;
    assert.deepEqual(errors, [0, 1, 2, 3, 4].map((i) => `2026-12-02T10:00:0${i}Z ERROR failure ${i}`));
  } finally {
    done();
  }
});
