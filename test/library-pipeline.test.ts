import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunContext, cat, filter, find, format, grep, lines, map, open, parse, pipe, take } from '../src/index.js';

/** The original exercise's data: application lines where every tenth is an ERROR. */
function appLines(n: number): string {
  let out = '';
  for (let i = 1; i <= n; i++) {
    const level = i % 10 === 0 ? 'ERROR' : i % 3 === 0 ? 'WARN ' : 'INFO ';
    out += `2024-05-01T12:00:${String(i % 60).padStart(2, '0')}.000Z ${level} [main] app.Worker - event ${i}\n`;
  }
  return out;
}

function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-lib-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('find -> open -> cat -> lines -> grep -> parse -> filter -> map reads like the generator version', async () => {
  await withFiles({ 'a.log': appLines(1000), 'b.log': appLines(500) }, async (dir) => {
    const ctx = new RunContext();
    const messages = pipe(
      find(ctx, [dir]),
      open(ctx),
      cat(ctx),
      lines(ctx),
      grep(ctx, 'ERROR'),
      parse(ctx, { format: 'applog' }),
      filter(ctx, 'level == "ERROR"'),
      map(ctx, (record) => String(record['message'])),
    );
    const got: string[] = [];
    for await (const batch of messages) got.push(...batch);
    assert.equal(got.length, 100 + 50);
    assert.equal(got[0], 'event 10');
    assert.equal(got.at(-1), 'event 500');
    const stages = ctx.meters.stages.map((s) => s.name);
    assert.deepEqual(stages, ['read', 'lines', 'grep', 'parse', 'filter', 'map']);
    assert.equal(ctx.meters.find('lines')?.recordsOut, 1500);
    assert.equal(ctx.meters.find('filter')?.recordsOut, 150);
  });
});

test('a function filter and the line formatter work on the same stream', async () => {
  await withFiles({ 'a.log': appLines(100) }, async (dir) => {
    const ctx = new RunContext();
    const out = pipe(
      find(ctx, [join(dir, 'a.log')]),
      open(ctx),
      cat(ctx),
      lines(ctx),
      parse(ctx),
      filter(ctx, (record) => record['level'] === 'WARN'),
      format(ctx, 'line'),
    );
    const texts: string[] = [];
    for await (const batch of out) texts.push(...batch);
    const warnLines = Array.from({ length: 100 }, (_, i) => i + 1).filter((i) => i % 3 === 0 && i % 10 !== 0);
    assert.equal(texts.length, warnLines.length);
    assert.ok(texts.every((t) => t.includes(' WARN ')));
  });
});

test('take stops reading: a few chunks of a big file, and the file is closed', async () => {
  const big = appLines(200_000); // about 14 MB
  await withFiles({ 'big.log': big }, async (dir) => {
    const ctx = new RunContext({ chunkSize: 64 * 1024 });
    const fdsBefore = readdirSync('/proc/self/fd').length;
    const firstErrors = pipe(
      find(ctx, [join(dir, 'big.log')]),
      open(ctx),
      cat(ctx),
      lines(ctx),
      parse(ctx),
      filter(ctx, 'level == "ERROR"'),
      take(ctx, 5),
      format(ctx, 'line'),
    );
    const texts: string[] = [];
    for await (const batch of firstErrors) texts.push(...batch);
    assert.equal(texts.length, 5);
    const read = ctx.meters.find('read')?.bytes ?? Infinity;
    assert.ok(read < Buffer.byteLength(big) / 10, `read ${read} bytes of ${Buffer.byteLength(big)}`);
    assert.equal(readdirSync('/proc/self/fd').length, fdsBefore, 'the file was closed');
  });
});

test('a missing input is reported to the context and the others are still read', async () => {
  await withFiles({ 'a.log': appLines(20) }, async (dir) => {
    const errors: string[] = [];
    const ctx = new RunContext({ onInputError: (e) => errors.push(e.message) });
    const out = pipe(find(ctx, [join(dir, 'nope.log'), join(dir, 'a.log')]), open(ctx), cat(ctx), lines(ctx));
    let count = 0;
    for await (const b of out) count += b.selCount;
    assert.equal(count, 20);
    assert.deepEqual(errors, [`${join(dir, 'nope.log')}: no such file or directory`]);
    assert.equal(ctx.diagnostics.inputErrors.length, 1);
  });
});

test('recycled read buffers never corrupt compressed input (decoders keep their input pieces)', async () => {
  const { execFileSync } = await import('node:child_process');
  const { createHash } = await import('node:crypto');
  const text = appLines(20_000); // ~1.4 MB: many 4 KiB chunks of compressed input
  await withFiles({ 'plain.log': text }, async (dir) => {
    const plain = join(dir, 'plain.log');
    execFileSync('bzip2', ['-k', plain]);
    execFileSync('zstd', ['-q', plain, '-o', `${plain}.zst`]);
    execFileSync('gzip', ['-k', plain]);
    const expected = createHash('sha256').update(text).digest('hex');
    for (const file of [plain, `${plain}.bz2`, `${plain}.zst`, `${plain}.gz`]) {
      const ctx = new RunContext({ chunkSize: 4096, reuseBuffers: true });
      const hash = createHash('sha256');
      for await (const b of pipe(find(ctx, [file]), open(ctx), cat(ctx), lines(ctx))) {
        for (let i = 0; i < b.selCount; i++) hash.update(b.line(b.sel[i]!)).update('\n');
      }
      assert.equal(hash.digest('hex'), expected, file);
      assert.equal(ctx.diagnostics.inputErrors.length, 0, file);
    }
  });
});
