import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/core/errors.js';
import { lineStartAtOrAfter, ownedSlice, readRangeChunks, splitIntoRanges } from '../src/io/read-range.js';

const LF = 0x0a;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-io-read-range-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function writeFile(bytes: Buffer | string): { path: string; bytes: Buffer } {
  const path = join(dir, `file-${files++}.log`);
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  writeFileSync(path, data);
  return { path, bytes: data };
}

/**
 * The oracle, written straight from the rule and independently of the code under test: the lines
 * whose first byte is in [start, end), from the first one's start to the last one's end.
 */
function expectedRange(bytes: Buffer, start: number, end: number): Buffer {
  let first = -1;
  let last = -1;
  for (let at = 0; at < bytes.length; at++) {
    const startsLine = at === 0 || bytes[at - 1] === LF;
    if (startsLine && at >= start && at < end) {
      if (first < 0) first = at;
      last = at;
    }
  }
  if (first < 0) return Buffer.alloc(0);
  const newline = bytes.indexOf(LF, last);
  return bytes.subarray(first, newline < 0 ? bytes.length : newline + 1);
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) count++;
  return count;
}

/** One range read from the file; with `reuse`, each chunk is copied before the next is asked for. */
async function readRange(path: string, start: number, end: number, chunkSize: number, reuse = false): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readRangeChunks(path, path, start, end, chunkSize, { enabled: reuse })) {
    assert.ok(chunk.length > 0 && chunk.length <= chunkSize, `chunk of ${chunk.length} bytes (chunkSize ${chunkSize})`);
    chunks.push(reuse ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads every range of the split at `cuts` (sorted, within [0, size]) and checks it against the file. */
async function checkSplit(file: { path: string; bytes: Buffer }, cuts: number[], chunkSize: number, reuse = false) {
  const borders = [0, ...cuts, file.bytes.length];
  const outputs: Buffer[] = [];
  for (let i = 0; i + 1 < borders.length; i++) {
    const [start, end] = [borders[i]!, borders[i + 1]!];
    const output = await readRange(file.path, start, end, chunkSize, reuse);
    assert.ok(output.equals(expectedRange(file.bytes, start, end)), `range [${start}, ${end}) with chunkSize ${chunkSize}`);
    outputs.push(output);
  }
  assertSplitIsFile(file.bytes, outputs, `cuts ${cuts.join(',')}, chunkSize ${chunkSize}`);
}

function assertSplitIsFile(bytes: Buffer, outputs: Buffer[], what: string): void {
  assert.ok(Buffer.concat(outputs).equals(bytes), `concatenation differs from the file: ${what}`);
  const lines = outputs.reduce((sum, output) => sum + countNewlines(output), 0);
  assert.equal(lines, countNewlines(bytes), `line count: ${what}`);
}

/**
 * Every range [start, end) of a small file, read from disk once each, against the oracle; then
 * every split into two, three and four ranges, assembled from those reads. `end` also goes past
 * the end of the file, as a caller's last range may.
 */
async function checkEverySplit(bytes: Buffer | string, chunkSizes: number[]): Promise<void> {
  const file = writeFile(bytes);
  const size = file.bytes.length;
  for (const chunkSize of chunkSizes) {
    const read = new Map<string, Buffer>();
    for (let start = 0; start <= size; start++) {
      for (let end = start; end <= size + 2; end++) {
        const output = await readRange(file.path, start, end, chunkSize);
        const expected = expectedRange(file.bytes, start, end);
        assert.ok(output.equals(expected), `range [${start}, ${end}) with chunkSize ${chunkSize}: got ${JSON.stringify(output.toString('latin1'))}, expected ${JSON.stringify(expected.toString('latin1'))}`);
        read.set(`${start},${end}`, output);
      }
    }
    const range = (start: number, end: number): Buffer => read.get(`${start},${end}`)!;
    for (let a = 0; a <= size; a++) {
      assertSplitIsFile(file.bytes, [range(0, a), range(a, size)], `cut ${a}, chunkSize ${chunkSize}`);
      for (let b = a; b <= size; b++) {
        assertSplitIsFile(file.bytes, [range(0, a), range(a, b), range(b, size)], `cuts ${a},${b}`);
        for (let c = b; c <= size; c += 3) {
          assertSplitIsFile(file.bytes, [range(0, a), range(a, b), range(b, c), range(c, size)], `cuts ${a},${b},${c}`);
        }
      }
    }
  }
}

/** A deterministic pseudo-random generator, so a failure names a reproducible case. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
}

describe('the ownership rule over bytes in memory', () => {
  test('ownedSlice agrees with the oracle for every range of tricky buffers', () => {
    for (const text of ['', 'x', '\n', '\n\n', 'ab\ncd', 'ab\r\ncd\r\n', 'é\nü€\n', 'a\n\nb\n\n\nlong line here', '\n\nx\n']) {
      const bytes = Buffer.from(text);
      for (let start = 0; start <= bytes.length + 1; start++) {
        for (let end = 0; end <= bytes.length + 1; end++) {
          const expected = start <= end ? expectedRange(bytes, start, end) : Buffer.alloc(0);
          assert.ok(ownedSlice(bytes, start, end).equals(expected), `${JSON.stringify(text)} [${start}, ${end})`);
        }
      }
    }
  });

  test('lineStartAtOrAfter: a border after a newline stays, any other moves past the next newline', () => {
    const bytes = Buffer.from('ab\ncd\n');
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((at) => lineStartAtOrAfter(bytes, at)), [0, 3, 3, 3, 6, 6, 6, 6]);
  });
});

describe('splitIntoRanges', () => {
  test('cuts [0, size) into contiguous ranges that differ by at most a byte', () => {
    for (const size of [1, 2, 7, 100, 1001, 2 ** 40 + 3]) {
      for (const parts of [1, 2, 3, 8, 64]) {
        const ranges = splitIntoRanges(size, parts);
        assert.equal(ranges.length, Math.min(parts, size));
        assert.equal(ranges[0]![0], 0);
        assert.equal(ranges.at(-1)![1], size);
        for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]![0], ranges[i - 1]![1]);
        const lengths = ranges.map(([start, end]) => end - start);
        assert.ok(Math.max(...lengths) - Math.min(...lengths) <= 1, `${size} / ${parts}: ${lengths.join(',')}`);
      }
    }
  });

  test('makes fewer ranges rather than ranges shorter than minBytes', () => {
    assert.deepEqual(splitIntoRanges(100, 8, 30), [[0, 34], [34, 67], [67, 100]]);
    assert.deepEqual(splitIntoRanges(10, 8, 30), [[0, 10]]);
    for (const [start, end] of splitIntoRanges(10_000, 16, 700)) assert.ok(end - start >= 700);
  });

  test('an empty file is one empty range', () => {
    assert.deepEqual(splitIntoRanges(0, 4), [[0, 0]]);
  });

  test('rejects sizes and counts that are not integers in range', () => {
    assert.throws(() => splitIntoRanges(-1, 2), RangeError);
    assert.throws(() => splitIntoRanges(1.5, 2), RangeError);
    assert.throws(() => splitIntoRanges(10, 0), RangeError);
    assert.throws(() => splitIntoRanges(10, 2, 0), RangeError);
  });
});

describe('readRangeChunks: every split of small files', () => {
  test('a border between the \\r and the \\n of a CRLF', async () => {
    await checkEverySplit('GET /a\r\nGET /b\r\n\r\nx\r\n', [1, 64]);
  });

  test('a border inside an over-long line that spans several ranges', async () => {
    // The long line is longer than every chunkSize used, and every split cuts it somewhere.
    await checkEverySplit(`a\n${'L'.repeat(40)}\nb\n`, [3, 16, 64]);
  });

  test('a border on the last line of a file without final newline', async () => {
    await checkEverySplit('first\nsecond\nno newline at the end', [5, 64]);
  });

  test('a border inside a multi-byte UTF-8 character', async () => {
    // 2-, 3- and 4-byte characters, at line starts, inside lines and just before newlines.
    await checkEverySplit('é€\n😀x😀\nü\n€', [2, 64]);
  });

  test('an empty file yields nothing for any range', async () => {
    const file = writeFile('');
    for (const [start, end] of [[0, 0], [0, 1], [0, 100], [5, 10]] as const) {
      assert.equal((await readRange(file.path, start, end, 4)).length, 0);
    }
    await checkEverySplit('', [1]);
  });

  test('a file that is one line without newline belongs to the range holding byte 0', async () => {
    const file = writeFile('just one line');
    assert.equal((await readRange(file.path, 0, 1, 4)).toString(), 'just one line');
    for (let start = 1; start <= 13; start++) assert.equal((await readRange(file.path, start, 20, 4)).length, 0);
    await checkEverySplit('just one line', [4, 64]);
  });

  test('chunkSize smaller than a line', async () => {
    await checkEverySplit('one\ntwo two\n\nthree three three\n', [1, 3]);
  });
});

describe('readRangeChunks: alignment', () => {
  test('a range starting exactly at a line start begins there, and one starting inside a line skips it', async () => {
    const file = writeFile('aaa\nbbb\nccc\n');
    assert.equal((await readRange(file.path, 4, 8, 64)).toString(), 'bbb\n');
    assert.equal((await readRange(file.path, 4, 5, 64)).toString(), 'bbb\n'); // reads past `end` to finish it
    assert.equal((await readRange(file.path, 5, 9, 64)).toString(), 'ccc\n');
    assert.equal((await readRange(file.path, 8, 12, 1)).toString(), 'ccc\n');
  });

  test('ranges that hold no newline yield nothing, even far inside a long line', async () => {
    const long = 'x'.repeat(50_000);
    const file = writeFile(`head\n${long}\ntail\n`);
    for (const [start, end] of [[6, 7], [100, 200], [1000, 40_000], [6, 50_005]] as const) {
      assert.equal((await readRange(file.path, start, end, 4096)).length, 0, `[${start}, ${end})`);
    }
    // The range holding the long line's first byte yields all of it, whatever its chunk size.
    assert.equal((await readRange(file.path, 5, 6, 4096)).toString(), `${long}\n`);
    assert.equal((await readRange(file.path, 5, 6, 1000)).toString(), `${long}\n`);
  });

  test('random splits of a larger file with CRLF, UTF-8, blank and over-long lines', async () => {
    const next = random(42);
    const lines: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = next(20);
      if (kind === 0) lines.push('');
      else if (kind === 1) lines.push('L'.repeat(3000 + next(9000))); // longer than the chunk sizes below
      else lines.push(`${i} GET /é€😀/${'z'.repeat(next(120))}${kind === 2 ? '\r' : ''}`);
    }
    const file = writeFile(lines.join('\n')); // and no final newline
    const size = file.bytes.length;
    for (const chunkSize of [1000, 4096, 65536]) {
      for (let round = 0; round < 12; round++) {
        const cuts = Array.from({ length: 1 + next(12) }, () => next(size + 1)).sort((a, b) => a - b);
        await checkSplit(file, cuts, chunkSize, round % 2 === 1);
      }
      for (const parts of [1, 3, 7, 16]) {
        const cuts = splitIntoRanges(size, parts).slice(1).map(([start]) => start);
        await checkSplit(file, cuts, chunkSize, true);
      }
    }
  });

  test('line counts: the newlines of every range add up to the file\'s', async () => {
    const file = writeFile('a\nbb\r\n\n\nccc\né\n'.repeat(200));
    for (const parts of [2, 5, 13, 64]) {
      const ranges = splitIntoRanges(file.bytes.length, parts);
      let lines = 0;
      for (const [start, end] of ranges) lines += countNewlines(await readRange(file.path, start, end, 7));
      assert.equal(lines, 1200);
    }
  });

  test('with buffer reuse, every chunk holds the right bytes when it is yielded', async () => {
    const file = writeFile(Array.from({ length: 2000 }, (_, i) => `line ${i} ${'p'.repeat(i % 97)}`).join('\n'));
    const [start, end] = [10_001, 60_003];
    const chunks: Buffer[] = [];
    for await (const chunk of readRangeChunks(file.path, file.path, start, end, 512, { enabled: true })) chunks.push(Buffer.from(chunk));
    assert.ok(Buffer.concat(chunks).equals(expectedRange(file.bytes, start, end)));
  });
});

describe('readRangeChunks: files and errors', () => {
  const fdCount = (): number => readdirSync('/proc/self/fd').length;
  const big = (): { path: string; bytes: Buffer } =>
    writeFile(`short\n${'y'.repeat(200_000)}\n` + 'a line of text\n'.repeat(20_000));

  for (const [where, start, end] of [
    ['inside the range', 1000, 400_000],
    ['while finishing the last line past end', 0, 10],
  ] as const) {
    test(`early return ${where} closes the file`, async (t) => {
      if (!existsSync('/proc/self/fd')) {
        t.skip('no /proc/self/fd on this system to count open files');
        return;
      }
      const file = big();
      const before = fdCount();
      let seen = 0;
      // [0, 10) yields "short\n" and then the long line from the tail: the second chunk is there.
      for await (const chunk of readRangeChunks(file.path, file.path, start, end, 4096)) {
        assert.ok(chunk.length > 0);
        assert.equal(fdCount(), before + 1, 'the file is open while reading');
        if (++seen === 2) break;
      }
      assert.equal(seen, 2);
      assert.equal(fdCount(), before, 'the file is closed after break');
    });
  }

  test('a range read to its end closes the file', async (t) => {
    if (!existsSync('/proc/self/fd')) {
      t.skip('no /proc/self/fd on this system to count open files');
      return;
    }
    const file = big();
    const before = fdCount();
    await readRange(file.path, 5, 300_000, 4096);
    assert.equal(fdCount(), before);
  });

  test('a missing file gives an InputError naming it', async () => {
    const path = join(dir, 'missing.log');
    await assert.rejects(readRange(path, 10, 20, 64), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.source, path);
      assert.equal(error.message, `${path}: no such file or directory`);
      return true;
    });
  });

  test('a failed read gives an InputError with the file offset of the read', async () => {
    // Reading a directory opens fine and fails at the first read.
    await assert.rejects(readRange(dir, 10, 20, 64), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.message, `${dir}: is a directory (at byte 9)`); // the byte before `start`
      return true;
    });
  });

  test('rejects offsets and chunk sizes that are not integers in range', async () => {
    const file = writeFile('x\n');
    for (const [start, end, chunkSize] of [[-1, 2, 4], [2, 1, 4], [0, 1.5, 4], [0, 2, 0]] as const) {
      await assert.rejects(readRange(file.path, start, end, chunkSize), RangeError);
    }
  });
});
