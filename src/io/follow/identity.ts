import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Bytes of a file's start that take part in its identity (Filebeat's fingerprint length). */
export const HEAD_BYTES = 1024;

/**
 * Which file this is, across renames and restarts: device and inode say where it lives now, and
 * its first bytes say which content it holds, so an inode reused for a new file (deleted, then
 * created again) or a file truncated and rewritten is told apart from the file it replaced.
 * While a file is shorter than HEAD_BYTES its head is all of it, and grows with it.
 */
export interface FileIdentity {
  readonly dev: string;
  readonly ino: string;
  /** Up to HEAD_BYTES first bytes (a copy: kept only in memory; checkpoints store a hash). */
  readonly head: Buffer;
}

/** The identity as stored in a checkpoint: the head as its length and SHA-256. */
export interface StoredIdentity {
  readonly dev: string;
  readonly ino: string;
  readonly headLength: number;
  readonly headHash: string;
}

export function storedIdentity(id: FileIdentity): StoredIdentity {
  return { dev: id.dev, ino: id.ino, headLength: id.head.length, headHash: hashOf(id.head) };
}

export function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads `length` bytes at `offset` (fewer at the file's end) through an open handle. */
export async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buffer, got, length - got, offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}

/** The first bytes of an open file, as its identity needs them. */
export function readHead(fh: FileHandle): Promise<Buffer> {
  return readAt(fh, 0, HEAD_BYTES);
}

/**
 * Whether `now` (the file's first bytes read now) still starts like `before`: the shorter of the
 * two is a prefix of the longer. A file only grows at its end, so any difference means it was
 * truncated and written again (copytruncate, or `>` redirection).
 */
export function sameStart(before: Buffer, now: Buffer): boolean {
  const n = Math.min(before.length, now.length);
  return before.subarray(0, n).equals(now.subarray(0, n));
}

/** Whether a stored identity is the file with `dev`, `ino` and first bytes `head` (read now). */
export function matchesStored(stored: StoredIdentity, dev: string, ino: string, head: Buffer): boolean {
  return stored.dev === dev && stored.ino === ino && head.length >= stored.headLength && hashOf(head.subarray(0, stored.headLength)) === stored.headHash;
}
