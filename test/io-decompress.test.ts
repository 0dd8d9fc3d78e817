/**
 * Decompression never lies: for every kind of archive the reference tools make, logsift's bytes
 * are byte-identical to `gzip -dc`, `bzip2 -dc` and `zstd -dc`, with the system tools as decoders
 * and with the in-process fallbacks (LOGSIFT_DECOMPRESS=builtin); corruption and truncation are
 * errors, never silently different data; and memory stays bounded whatever the ratio.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputError } from '../src/core/errors.js';
import { openSource } from '../src/io/open.js';
import { cliPath } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'logsift-decompress-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A log of `lines` lines whose bytes vary enough to make long matches and many blocks. */
function logText(lines: number): Buffer {
  const parts: string[] = [];
  let x = 12345;
  for (let i = 0; i < lines; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    parts.push(`10.${x % 256}.${(x >> 8) % 256}.1 - - [17/May/2015:10:05:${String(i % 60).padStart(2, '0')} +0000] "GET /p/${x % 5000}?q=${i} HTTP/1.1" ${[200, 404, 500][x % 3]} ${x % 100000} "-" "agent/${x % 97}"\n`);
  }
  return Buffer.from(parts.join(''));
}

const TEXT = logText(30_000); // about 3 MB
const TEXT_FILE = join(dir, 'text.log');
writeFileSync(TEXT_FILE, TEXT);

/** Runs a compressor over `input`, returning the archive. */
function compress(command: string, args: readonly string[], input: Buffer): Buffer {
  return execFileSync(command, args, { input, maxBuffer: 256 * 1024 * 1024 });
}

/** What the reference tool decodes the archive to. */
function reference(command: string, archive: string): Buffer {
  const allowLongWindows = command === 'zstd' ? ['--long=31'] : []; // zstd refuses windows past 128 MiB without it
  return execFileSync(command, ['-dc', ...allowLongWindows, archive], { maxBuffer: 256 * 1024 * 1024 });
}

async function readAll(path: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openSource({ name: path, path, size: null })) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function readUntilError(path: string): Promise<{ bytes: Buffer; error: InputError }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of openSource({ name: path, path, size: null })) chunks.push(chunk);
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error: error as InputError };
  }
  throw new Error(`${path} decoded without an error`);
}

/** A zstd skippable frame (magic 0x184D2A5?, 4-byte size, payload) that decoders must skip. */
function skippableFrame(payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a53, 0);
  header.writeUInt32LE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const half = TEXT.subarray(0, TEXT.length >> 1);
const ARCHIVES: readonly { name: string; tool: string; make: () => Buffer }[] = [
  { name: 'gzip -1', tool: 'gzip', make: () => compress('gzip', ['-1'], TEXT) },
  { name: 'gzip -9', tool: 'gzip', make: () => compress('gzip', ['-9'], TEXT) },
  { name: 'gzip, two members', tool: 'gzip', make: () => Buffer.concat([compress('gzip', [], half), compress('gzip', [], TEXT)]) },
  { name: 'bzip2 -1', tool: 'bzip2', make: () => compress('bzip2', ['-1'], TEXT) },
  { name: 'bzip2 -9', tool: 'bzip2', make: () => compress('bzip2', ['-9'], TEXT) },
  { name: 'bzip2, two streams', tool: 'bzip2', make: () => Buffer.concat([compress('bzip2', ['-1'], half), compress('bzip2', ['-9'], TEXT)]) },
  { name: 'zstd -1', tool: 'zstd', make: () => compress('zstd', ['-q', '-1', '-c'], TEXT) },
  { name: 'zstd -19', tool: 'zstd', make: () => compress('zstd', ['-q', '-19', '-c'], TEXT) },
  { name: 'zstd --long=27', tool: 'zstd', make: () => compress('zstd', ['-q', '--long=27', '-c'], TEXT) },
  { name: 'zstd --long=31, from a pipe (no size in the frame)', tool: 'zstd', make: () => compress('zstd', ['-q', '--long=31', '-c', '-'], TEXT) },
  { name: 'zstd --ultra -22 --long=31', tool: 'zstd', make: () => compress('zstd', ['-q', '--ultra', '-22', '--long=31', '-c'], half) },
  { name: 'zstd, checksum off', tool: 'zstd', make: () => compress('zstd', ['-q', '--no-check', '-c'], TEXT) },
  {
    name: 'zstd, several frames and a skippable frame',
    tool: 'zstd',
    make: () => Buffer.concat([compress('zstd', ['-q', '-c'], half), skippableFrame(Buffer.from('skip me')), compress('zstd', ['-q', '-3', '-c'], TEXT)]),
  },
];

for (const mode of ['system', 'builtin'] as const) {
  describe(`decoded bytes equal the reference tool's (${mode} decoders)`, () => {
    ARCHIVES.forEach((archive, i) => {
      test(archive.name, async () => {
        const path = join(dir, `archive-${i}`);
        writeFileSync(path, archive.make());
        process.env['LOGSIFT_DECOMPRESS'] = mode;
        try {
          const ours = await readAll(path);
          assert.ok(ours.equals(reference(archive.tool, path)), `${archive.name}: ${ours.length} bytes differ from ${archive.tool} -dc`);
        } finally {
          delete process.env['LOGSIFT_DECOMPRESS'];
        }
      });
    });

    for (const [tool, args] of [['gzip', ['-c']], ['bzip2', ['-c']], ['zstd', ['-q', '-c']]] as const) {
      test(`${tool}: a flipped byte is an error naming the file, and a cut archive is "truncated"`, async () => {
        const archive = compress(tool, args, TEXT);
        const flipped = Buffer.from(archive);
        for (let k = 0; k < 5; k++) flipped[(flipped.length >> 1) + 37 * k] ^= 0x55;
        const flippedPath = join(dir, `flipped-${mode}.${tool}`);
        const cutPath = join(dir, `cut-${mode}.${tool}`);
        writeFileSync(flippedPath, flipped);
        writeFileSync(cutPath, archive.subarray(0, archive.length >> 1));
        process.env['LOGSIFT_DECOMPRESS'] = mode;
        try {
          const bad = await readUntilError(flippedPath);
          assert.equal(bad.error.source, flippedPath);
          assert.match(bad.error.message, /corrupt|truncated or corrupt/);
          assert.match(bad.error.message, /\(at (compressed |decompressed )?byte \d+\)$/);
          const cut = await readUntilError(cutPath);
          assert.match(cut.error.reason, /^truncated/);
          assert.ok(TEXT.subarray(0, cut.bytes.length).equals(cut.bytes), 'what came before the cut is the original');
        } finally {
          delete process.env['LOGSIFT_DECOMPRESS'];
        }
      });
    }
  });
}

test('a tiny archive of 100 MB of newlines decodes in bounded memory, with every decoder', () => {
  const plain = join(dir, 'newlines');
  execFileSync('sh', ['-c', `head -c 100000000 /dev/zero | tr '\\0' '\\n' > "${plain}"`]);
  for (const [tool, args] of [['gzip', ['-9', '-c']], ['bzip2', ['-9', '-c']], ['zstd', ['-q', '-19', '-c']]] as const) {
    const archive = join(dir, `newlines.${tool}`);
    execFileSync('sh', ['-c', `${tool} ${args.join(' ')} "${plain}" > "${archive}"`]);
    for (const mode of ['system', 'builtin']) {
      // `--profile` reports peak heap; RSS is the operating system's high-water mark for the process.
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cliPath, '--no-progress', 'count', '--csv', '--format', 'common', archive], {
        encoding: 'utf8',
        env: { ...process.env, LOGSIFT_DECOMPRESS: mode },
      });
      assert.equal(r.status, 0, `${tool} ${mode}: ${r.stderr}`);
      assert.equal(r.stdout, 'count\n0\n', `${tool} ${mode}: blank lines are no records`);
      const peakKb = Number(r.stderr.trim().split('\n').pop());
      assert.ok(peakKb < 600 * 1024, `${tool} ${mode}: peak RSS ${Math.round(peakKb / 1024)} MB for a ${archive.length}-byte archive`);
    }
  }
  rmSync(plain);
});
