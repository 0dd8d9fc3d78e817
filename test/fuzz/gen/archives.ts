/**
 * Compressed inputs: gzip (node:zlib), bzip2 and zstd (the system tools, run once per fuzz run)
 * of small logs, then truncated, flipped, given trailing garbage or concatenated; plus hand-made
 * hostile headers (huge zstd frame sizes and windows, gzip header fields running past the end).
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import type { Corpus, Generator } from '../case.js';
import { Rng } from '../prng.js';
import { runOptions } from './options.js';
import { joinLines, linesOf } from './samples.js';

/** Compresses with a system tool; null when it is missing or fails. */
function tool(command: string, args: string[], input: Buffer): Buffer | null {
  const r = spawnSync(command, args, { input, maxBuffer: 256 * 1024 * 1024 });
  return r.status === 0 && !r.error ? r.stdout : null;
}

/**
 * The logs every archive case starts from, compressed once per run. Fixed content (not drawn
 * from the run seed) so that a missing tool is the only way two runs' corpora differ.
 */
export function buildCorpus(): Corpus {
  const rng = new Rng(0x5eed);
  const plain: Buffer[] = [
    joinLines(rng, linesOf(rng, 'combined', 40)),
    joinLines(rng, linesOf(rng, 'applog', 30)),
    joinLines(rng, linesOf(rng, 'json', 20)),
    Buffer.alloc(0),
    Buffer.from(`${'a'.repeat(3 * 1024 * 1024)}\n${linesOf(rng, 'common', 3).join('\n')}\n`),
  ];
  const archives = new Map<string, Buffer[]>();
  const notes: string[] = [];
  archives.set('gzip', plain.map((p) => gzipSync(p)));
  for (const [codec, command, args] of [
    ['bzip2', 'bzip2', ['-c', '-9']],
    ['zstd', 'zstd', ['-c', '-q', '-3']],
  ] as const) {
    const made = plain.map((p) => tool(command, [...args], p));
    if (made.every((m): m is Buffer => m !== null)) archives.set(codec, made);
    else notes.push(`${command} is not available: no ${codec} archive cases`);
  }
  return { archives, notes };
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

/** Hand-made headers that decoders must refuse (or read) without trusting their numbers. */
function hostileHeader(rng: Rng, codec: string): Buffer {
  const zstdMagic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
  const gzipHead = (flags: number): Buffer => Buffer.from([0x1f, 0x8b, 0x08, flags, 0, 0, 0, 0, 0, 3]);
  if (codec === 'zstd') {
    return rng.pick([
      // single segment, 8-byte frame content size 2^64-1, then a raw last block of 3 bytes
      Buffer.concat([zstdMagic, Buffer.from([0xe0]), Buffer.alloc(8, 0xff), Buffer.from([0x19, 0x00, 0x00]), Buffer.from('abc')]),
      // window descriptor with the largest exponent, an RLE last block of 2 MiB
      Buffer.concat([zstdMagic, Buffer.from([0x00, 0xf8]), Buffer.from([0xfb, 0xff, 0xff]), Buffer.from('a')]),
      // many RLE blocks of 128 KiB each ("a" x 32 MiB from a few hundred bytes)
      Buffer.concat([zstdMagic, Buffer.from([0x00, 0x58]), ...Array.from({ length: 255 }, () => Buffer.from([0x02, 0x00, 0x10, 0x61])), Buffer.from([0x03, 0x00, 0x10, 0x0a])]),
      // a skippable frame claiming 4 GiB
      Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), u32le(0xffffffff), Buffer.from('x')]),
      // compressed block with garbage
      Buffer.concat([zstdMagic, Buffer.from([0x00, 0x58]), Buffer.from([0x25, 0x00, 0x00]), rng.bytes(4)]),
      // reserved bit set
      Buffer.concat([zstdMagic, Buffer.from([0x08, 0x58]), Buffer.from([0x01, 0x00, 0x00])]),
    ]);
  }
  if (codec === 'bzip2') {
    return rng.pick([
      Buffer.from('BZh0'),
      Buffer.concat([Buffer.from('BZh9'), rng.bytes(rng.int(0, 64))]),
      Buffer.concat([Buffer.from('BZh9'), Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]), rng.bytes(rng.int(0, 200))]),
      Buffer.concat([Buffer.from('BZh9'), Buffer.from([0x17, 0x72, 0x45, 0x38, 0x50, 0x90]), Buffer.alloc(4)]),
      Buffer.concat([Buffer.from('BZh1'), Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]), Buffer.alloc(4), Buffer.alloc(rng.int(1, 100), 0xff)]),
    ]);
  }
  return rng.pick([
    Buffer.concat([gzipHead(0x04), Buffer.from([0xff, 0xff]), Buffer.from('short')]),
    Buffer.concat([gzipHead(0x08), Buffer.from('name without end')]),
    Buffer.concat([gzipHead(0x10), Buffer.alloc(rng.int(1, 1000), 0x41)]),
    Buffer.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]),
    Buffer.concat([gzipHead(0xe0), rng.bytes(20)]),
    Buffer.concat([gzipHead(0x00), Buffer.from([0x01, 0xff, 0xff, 0x12, 0x34]), Buffer.from('data')]),
    Buffer.from([0x1f, 0x8b]),
    Buffer.concat([gzipHead(0x02), Buffer.from([0x00])]),
    Buffer.concat(Array.from({ length: rng.int(100, 3000) }, () => gzipSync(Buffer.alloc(0)))),
  ]);
}

function mutateArchive(rng: Rng, corpus: Corpus, codec: string, data: Buffer): { data: Buffer; how: string } {
  switch (rng.int(0, 6)) {
    case 0:
      return { data, how: 'valid' };
    case 1:
      return { data: data.subarray(0, rng.int(0, Math.max(0, data.length - 1))), how: 'truncated' };
    case 2: {
      const copy = Buffer.from(data);
      const headerOnly = rng.chance(0.4);
      for (let k = rng.int(1, 8); k > 0 && copy.length > 0; k--) {
        const at = headerOnly ? rng.int(0, Math.min(copy.length - 1, 20)) : rng.int(0, copy.length - 1);
        copy[at] = rng.chance(0.5) ? copy[at]! ^ (1 << rng.int(0, 7)) : rng.next() & 0xff;
      }
      return { data: copy, how: 'flipped' };
    }
    case 3:
      return {
        data: Buffer.concat([data, rng.pick([rng.bytes(rng.int(1, 100)), Buffer.alloc(rng.int(1, 600)), Buffer.from('trailing text\n'), data.subarray(0, 4)])]),
        how: 'trailing garbage',
      };
    case 4: {
      const members = [data];
      for (let n = rng.int(1, 3); n > 0; n--) {
        const other = rng.chance(0.7) ? codec : rng.pick([...corpus.archives.keys()]);
        members.push(rng.pick(corpus.archives.get(other)!));
      }
      return { data: Buffer.concat(members), how: 'concatenated' };
    }
    case 5:
      return { data: data.subarray(0, rng.int(1, Math.min(data.length, 12))), how: 'header only' };
    default: {
      const at = rng.int(0, data.length);
      return { data: Buffer.concat([data.subarray(0, at), rng.bytes(rng.int(1, 16)), data.subarray(at)]), how: 'bytes inserted' };
    }
  }
}

const QUERIES = ['count', '', 'count by status', 'status >= 400', 'level == "ERROR"', 'head 3', 'count by level', 'sum(bytes)'];

export const archivesGenerator: Generator = {
  kind: 'archives',
  hostileShapes: ['hostile-header', 'bomb-line', 'many-members'],
  generate(b, hostileShape) {
    const rng = b.rng;
    const codecs = [...b.corpus.archives.keys()];
    const inputs: string[] = [];
    let shapeName = '';
    const files = hostileShape === null ? rng.int(1, 3) : 1;
    for (let i = 0; i < files; i++) {
      const codec = rng.pick(codecs);
      const bases = b.corpus.archives.get(codec)!;
      let data: Buffer;
      if (hostileShape === 'hostile-header') data = hostileHeader(rng, codec);
      else if (hostileShape === 'bomb-line') data = mutateArchive(rng, b.corpus, codec, bases[4]!).data;
      else if (hostileShape === 'many-members') {
        const n = b.scaled('members', rng.pick([10, 100, 500]));
        const member = rng.pick(bases.slice(0, 3));
        data = Buffer.concat(Array.from({ length: n }, () => member));
      } else {
        const m = mutateArchive(rng, b.corpus, codec, rng.pick(bases.slice(0, 4)));
        data = m.data;
        shapeName ||= m.how;
      }
      const ext = rng.chance(0.7) ? { gzip: '.gz', bzip2: '.bz2', zstd: '.zst' }[codec] ?? '' : rng.pick(['', '.1', '.txt']);
      inputs.push(b.file(`a${i}.log${ext}`, data, true));
    }
    if (rng.chance(0.2)) inputs.push(b.file('plain.log', joinLines(rng, linesOf(rng, 'combined', 3))));
    b.shape = hostileShape !== null ? `hostile:${hostileShape}` : shapeName || 'valid';
    const options = runOptions(rng);
    b.setQuery(rng.pick(QUERIES), options, inputs);
  },
};
