import { closeSync, openSync, renameSync, writeSync } from 'node:fs';

/**
 * Fills a reusable buffer with text and hands it out in chunks, so a generator of millions of lines
 * never holds more than one chunk. Lines are ASCII, so latin1 writes are exact and cheapest.
 */
export class ChunkFiller {
  private readonly buf: Buffer;
  private pos = 0;

  /** `reserve` is the most one append may need; a chunk is handed out before it could overflow. */
  constructor(
    size = 1 << 20,
    private readonly reserve = 8192,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** True when the next append might not fit: call take() first. */
  get full(): boolean {
    return this.pos > this.buf.length - this.reserve;
  }

  append(text: string): void {
    if (text.length > this.reserve) throw new Error(`line of ${text.length} chars exceeds the chunk reserve`);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** The filled part as a view; valid only until the next append. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  get pending(): number {
    return this.pos;
  }
}

/**
 * Writes chunks to `path` synchronously, one at a time, through a temporary name renamed at the end,
 * so an interrupted run never leaves a truncated file that looks complete. Returns the byte count.
 */
export function writeChunksToFile(path: string, chunks: Iterable<Buffer>): number {
  const tmp = `${path}.partial-${process.pid}`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  try {
    for (const chunk of chunks) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
      bytes += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return bytes;
}

/** Reads `--name value` pairs for the generators' small CLIs. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return flags;
}

/** "1000", "100k", "1m", "10M", "1_000_000" -> a count. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.replace(/_/g, ''));
  if (!m) throw new Error(`not a count: ${text}`);
  const unit = m[2]!.toLowerCase();
  const n = Number(m[1]) * (unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole count: ${text}`);
  return n;
}

/** A PRNG seed: a whole number (taken modulo 2^32). */
export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`not a whole-number seed: ${text}`);
  return n;
}
