import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { InputError } from '../src/core/errors.js';
import { STDIN_SOURCE, type Source } from '../src/core/source.js';
import { findExecutable } from '../src/io/system-tools.js';
import { openSource, type OpenOptions } from '../src/io/open.js';

/** Deterministic access-log-like text that compresses only moderately (so archives have many blocks). */
function sampleLog(lines: number, seed = 7): Buffer {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state >>> 8;
  };
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      `10.${next() % 256}.${next() % 256}.${next() % 256} - - [10/Oct/2023:13:${String(i % 60).padStart(2, '0')}:07 +0000] ` +
        `"GET /item/${next().toString(16)}/${next().toString(36)} HTTP/1.1" ${200 + (next() % 4) * 100} ${next() % 100000}\n`,
    );
  }
  return Buffer.from(out.join(''));
}

const ORIGINAL = sampleLog(4000); // about 420 kB: several bzip2 -1 blocks, several zstd blocks
const SMALL = sampleLog(20);

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-io-open-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fileSource(name: string, bytes: Buffer): Source {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { name: path, path, size: bytes.length };
}

function compressWith(tool: 'bzip2' | 'zstd', bytes: Buffer, ...flags: string[]): Buffer {
  return execFileSync(`/usr/bin/${tool}`, ['-c', '-q', ...flags], { input: bytes, maxBuffer: 64 * 1024 * 1024 });
}

async function readAll(source: Source, options?: OpenOptions): Promise<{ chunks: Buffer[]; bytes: Buffer }> {
  const chunks: Buffer[] = [];
  for await (const chunk of openSource(source, options)) chunks.push(chunk);
  return { chunks, bytes: Buffer.concat(chunks) };
}

/** Reads until the source throws; returns what was yielded before, and the error. */
async function readUntilError(source: Source, options?: OpenOptions): Promise<{ bytes: Buffer; error: InputError }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of openSource(source, options)) chunks.push(chunk);
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`);
    return { bytes: Buffer.concat(chunks), error };
  }
  assert.fail('expected the source to fail');
}

function isPrefixOf(prefix: Buffer, whole: Buffer): boolean {
  return prefix.length <= whole.length && whole.subarray(0, prefix.length).equals(prefix);
}

function oneByteAtATime(bytes: Buffer): Readable {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) pieces.push(bytes.subarray(i, i + 1));
  return Readable.from(pieces);
}

describe('plain files', () => {
  test('yields the bytes as read, in fresh chunks of at most chunkSize', async () => {
    const source = fileSource('plain.log', ORIGINAL);
    const { chunks, bytes } = await readAll(source, { chunkSize: 4096 });
    // Concatenating only after the whole read proves no chunk's memory was reused for a later one.
    assert.ok(bytes.equals(ORIGINAL));
    assert.equal(chunks.length, Math.ceil(ORIGINAL.length / 4096));
    assert.ok(chunks.every((chunk) => chunk.length <= 4096 && chunk.length > 0));
    assert.equal(new Set(chunks.map((chunk) => chunk.buffer)).size, chunks.length);
  });

  test('an empty file yields nothing', async () => {
    const { chunks } = await readAll(fileSource('empty.log', Buffer.alloc(0)));
    assert.equal(chunks.length, 0);
  });

  test('files shorter than a magic number are plain', async () => {
    const { bytes } = await readAll(fileSource('tiny.log', Buffer.from('BZh')));
    assert.equal(bytes.toString(), 'BZh');
  });

  test('a .gz-named plain file is read as plain (content decides, not the name)', async () => {
    const { bytes } = await readAll(fileSource('not-really.gz', SMALL));
    assert.ok(bytes.equals(SMALL));
  });

  test('a missing file throws InputError naming it', async () => {
    const path = join(dir, 'missing.log');
    const { error } = await readUntilError({ name: path, path, size: null });
    assert.equal(error.source, path);
    assert.equal(error.message, `${path}: no such file or directory`);
  });

  test('an unreadable file throws "permission denied"', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root: root can read a chmod-000 file, so there is no error to observe');
      return;
    }
    const source = fileSource('locked.log', SMALL);
    chmodSync(source.path!, 0o000);
    const { error } = await readUntilError(source);
    assert.equal(error.message, `${source.name}: permission denied`);
  });

  test('a directory given as a file is a one-line error', async () => {
    const { error } = await readUntilError({ name: dir, path: dir, size: null });
    assert.equal(error.message, `${dir}: is a directory`);
  });

  test('rejects a chunkSize that is not a positive integer', () => {
    assert.throws(() => openSource(STDIN_SOURCE, { chunkSize: 0 }), RangeError);
  });
});

describe('decompression by content', () => {
  test('gzip, in a file with a plain name', async () => {
    const { bytes } = await readAll(fileSource('access.log.1', gzipSync(ORIGINAL)));
    assert.ok(bytes.equals(ORIGINAL));
  });

  test('concatenated gzip members (cat-ed rotated logs) decode as one stream', async () => {
    const second = sampleLog(500, 99);
    const { bytes } = await readAll(fileSource('multi.gz', Buffer.concat([gzipSync(ORIGINAL), gzipSync(second)])));
    assert.ok(bytes.equals(Buffer.concat([ORIGINAL, second])));
  });

  test('bzip2, several blocks', async () => {
    const { bytes } = await readAll(fileSource('data.bz2', compressWith('bzip2', ORIGINAL, '-1')));
    assert.ok(bytes.equals(ORIGINAL));
  });

  test('concatenated bzip2 streams', async () => {
    const compressed = Buffer.concat([compressWith('bzip2', SMALL), compressWith('bzip2', ORIGINAL)]);
    const { bytes } = await readAll(fileSource('multi.bz2', compressed));
    assert.ok(bytes.equals(Buffer.concat([SMALL, ORIGINAL])));
  });

  test('zstd, several blocks', async () => {
    const { bytes } = await readAll(fileSource('data.zst', compressWith('zstd', ORIGINAL)));
    assert.ok(bytes.equals(ORIGINAL));
  });

  test('concatenated zstd frames', async () => {
    const compressed = Buffer.concat([compressWith('zstd', ORIGINAL), compressWith('zstd', SMALL)]);
    const { bytes } = await readAll(fileSource('multi.zst', compressed));
    assert.ok(bytes.equals(Buffer.concat([ORIGINAL, SMALL])));
  });

  test('chunkSize smaller than the magic number still detects compression', async () => {
    const { bytes } = await readAll(fileSource('small-chunks.zst', compressWith('zstd', SMALL)), { chunkSize: 1 });
    assert.ok(bytes.equals(SMALL));
  });

  test('the public basjes access_log.gz decompresses to 17 lines', async (t) => {
    const path = '/work/shared/data/basjes/access_log.gz';
    if (!existsSync(path)) {
      t.skip(`${path} is absent`);
      return;
    }
    const { bytes } = await readAll({ name: path, path, size: null });
    let lines = 0;
    for (let at = bytes.indexOf(0x0a); at !== -1; at = bytes.indexOf(0x0a, at + 1)) lines++;
    assert.equal(lines, 17);
    assert.ok(bytes.includes('xxxxxxxxxxxx'));
  });
});

describe('standard input', () => {
  test('plain stdin is passed through', async () => {
    const { bytes } = await readAll(STDIN_SOURCE, { stdin: oneByteAtATime(SMALL) });
    assert.ok(bytes.equals(SMALL));
  });

  for (const [format, compress] of [
    ['gzip', (bytes: Buffer) => gzipSync(bytes)],
    ['bzip2', (bytes: Buffer) => compressWith('bzip2', bytes)],
    ['zstd', (bytes: Buffer) => compressWith('zstd', bytes)],
  ] as const) {
    test(`${format} on stdin delivered one byte at a time is sniffed and decoded`, async () => {
      const { bytes } = await readAll(STDIN_SOURCE, { stdin: oneByteAtATime(compress(SMALL)) });
      assert.ok(bytes.equals(SMALL));
    });
  }

  test('a stdin stream error becomes an InputError for "-"', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      },
    });
    const { error } = await readUntilError(STDIN_SOURCE, { stdin: failing });
    assert.equal(error.message, '-: input/output error');
  });
});

describe('corrupt and truncated archives', () => {
  test('truncated gzip: what decodes is yielded, then an InputError naming the file', async () => {
    const compressed = gzipSync(ORIGINAL);
    const source = fileSource('truncated.gz', compressed.subarray(0, compressed.length >> 1));
    const { bytes, error } = await readUntilError(source, { chunkSize: 8192 });
    assert.ok(bytes.length > 0 && bytes.length < ORIGINAL.length, `decoded ${bytes.length} bytes`);
    assert.ok(isPrefixOf(bytes, ORIGINAL));
    assert.equal(error.source, source.name);
    assert.equal(error.reason, 'truncated gzip data');
    assert.match(error.message, /: truncated gzip data \(at compressed byte \d+\)$/);
    assert.ok(error.offset !== undefined && error.offset > 0 && error.offset <= compressed.length >> 1);
    assert.ok(!error.message.includes('\n'));
  });

  test('gzip magic followed by garbage is corrupt gzip data', async () => {
    const garbage = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not deflate data at all')]);
    const source = fileSource('garbage.log', garbage);
    const { bytes, error } = await readUntilError(source);
    assert.equal(bytes.length, 0);
    assert.equal(error.source, source.name);
    assert.match(error.reason, /^corrupt gzip data: .+$/);
    assert.match(error.message, new RegExp(`^${source.name}: corrupt gzip data: .+ \\(at compressed byte \\d+\\)$`));
  });

  test('a bad gzip member after a good one: only bytes of the good one come first', async () => {
    const compressed = Buffer.concat([gzipSync(SMALL), Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(40, 0xff)]);
    const { bytes, error } = await readUntilError(fileSource('tail.gz', compressed));
    // Node's zlib drops the output of the call that fails, which here includes the good member's
    // tail (both are decoded in one call): what is yielded is a prefix of it, nothing else.
    assert.ok(isPrefixOf(bytes, SMALL));
    assert.match(error.reason, /^corrupt gzip data: /);
  });

  test('a corrupted byte inside gzip data is an InputError, not a crash', async () => {
    const compressed = Buffer.from(gzipSync(ORIGINAL));
    compressed[compressed.length >> 1] ^= 0xff;
    const { error } = await readUntilError(fileSource('flipped.gz', compressed));
    assert.match(error.reason, /^corrupt gzip data: /);
  });

  test('truncated bzip2: earlier blocks are yielded, then "truncated bzip2 data"', async () => {
    const compressed = compressWith('bzip2', ORIGINAL, '-1');
    const source = fileSource('truncated.bz2', compressed.subarray(0, Math.floor(compressed.length * 0.75)));
    const { bytes, error } = await readUntilError(source);
    // lbzip2 decodes blocks in parallel and may stop a few blocks short of a cut (even at none).
    const parallelTool = process.env['LOGSIFT_DECOMPRESS'] !== 'builtin' && findExecutable('lbzip2') !== null;
    assert.ok((parallelTool || bytes.length > 0) && bytes.length < ORIGINAL.length, `decoded ${bytes.length} bytes`);
    assert.ok(isPrefixOf(bytes, ORIGINAL));
    assert.equal(error.source, source.name);
    assert.match(error.reason, /^truncated (or corrupt )?bzip2 data/); // lbzip2 cannot tell which
  });

  test('bzip2 magic followed by garbage is corrupt bzip2 data', async () => {
    const source = fileSource('garbage.bz2', Buffer.concat([Buffer.from('BZh9'), Buffer.alloc(200, 0x55)]));
    const { bytes, error } = await readUntilError(source);
    assert.equal(bytes.length, 0);
    assert.match(error.message, new RegExp(`^${source.name}: (truncated or )?corrupt bzip2 data`));
  });

  test('truncated zstd: earlier blocks are yielded, then "truncated zstd data"', async () => {
    const compressed = compressWith('zstd', ORIGINAL);
    const source = fileSource('truncated.zst', compressed.subarray(0, Math.floor(compressed.length * 0.8)));
    const { bytes, error } = await readUntilError(source);
    assert.ok(bytes.length > 0 && bytes.length < ORIGINAL.length, `decoded ${bytes.length} bytes`);
    assert.ok(isPrefixOf(bytes, ORIGINAL));
    assert.match(error.reason, /^truncated zstd data/);
  });

  test('zstd magic followed by garbage is corrupt zstd data', async () => {
    const source = fileSource('garbage.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(64, 0xff)]));
    const { error } = await readUntilError(source);
    assert.match(error.message, new RegExp(`^${source.name}: corrupt zstd data`));
  });
});

describe('stopping early', () => {
  const fdCount = (): number => readdirSync('/proc/self/fd').length;

  // bzip2 is decoded only once about 125 kB (-1) of input is buffered ahead, so its input must be
  // bigger than that for the file to be still open at the first chunk.
  for (const [format, make] of [
    ['plain', (bytes: Buffer) => bytes],
    ['gzip', (bytes: Buffer) => gzipSync(bytes)],
    ['bzip2', () => compressWith('bzip2', sampleLog(12000), '-1')],
    ['zstd', (bytes: Buffer) => compressWith('zstd', bytes)],
  ] as const) {
    test(`break after the first ${format} chunk closes the file`, async (t) => {
      if (!existsSync('/proc/self/fd')) {
        t.skip('no /proc/self/fd on this system to count open files');
        return;
      }
      const source = fileSource(`early-${format}`, make(ORIGINAL));
      // A first full read: a decoder run as a child process makes Node keep one /dev/null
      // descriptor open for the rest of the process, which is not this read's to close.
      await readAll(source);
      const before = fdCount();
      let seen = 0;
      for await (const chunk of openSource(source, { chunkSize: 16 * 1024 })) {
        assert.ok(chunk.length > 0);
        // The file, or (a decoder run as a child process) the pipes to the decoder.
        assert.ok(fdCount() >= before + 1, 'the input is open while reading');
        seen++;
        break;
      }
      assert.equal(seen, 1);
      assert.equal(fdCount(), before, 'the file is closed after break');
    });
  }

  test('return() before the first next() opens nothing', async () => {
    const iterator = openSource(fileSource('never.log', SMALL))[Symbol.asyncIterator]();
    const result = await iterator.return!();
    assert.equal(result.done, true);
    assert.equal((await iterator.next()).done, true);
  });
});
