import { open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../core/errors.js';
import { describeFsError } from '../fs-errors.js';
import type { StoredIdentity } from './identity.js';

export const CHECKPOINT_VERSION = 1;

/** Where delivery of one file stopped: its identity and the offset just after its last delivered line. */
export interface FilePosition extends StoredIdentity {
  readonly path: string;
  readonly offset: number;
}

/** A checkpoint: per-file positions, and the caller's own state (a running aggregate) taken at the same moment. */
export interface Checkpoint {
  readonly version: number;
  readonly files: readonly FilePosition[];
  readonly state?: unknown;
}

/** The checkpoint at `path`, or null when there is none yet. A file that is not one is an error (exit 1). */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new InputError(path, `cannot read the checkpoint: ${describeFsError(error)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(path, 'not a logsift checkpoint (not JSON)');
  }
  if (!isCheckpoint(data)) throw new InputError(path, `not a logsift checkpoint of version ${CHECKPOINT_VERSION}`);
  return data;
}

function isCheckpoint(data: unknown): data is Checkpoint {
  if (typeof data !== 'object' || data === null) return false;
  const c = data as { version?: unknown; files?: unknown };
  if (c.version !== CHECKPOINT_VERSION || !Array.isArray(c.files)) return false;
  return c.files.every(
    (f: unknown) =>
      typeof f === 'object' &&
      f !== null &&
      typeof (f as FilePosition).path === 'string' &&
      typeof (f as FilePosition).dev === 'string' &&
      typeof (f as FilePosition).ino === 'string' &&
      Number.isSafeInteger((f as FilePosition).headLength) &&
      typeof (f as FilePosition).headHash === 'string' &&
      Number.isSafeInteger((f as FilePosition).offset),
  );
}

/**
 * Writes the checkpoint atomically: a temporary file next to it, flushed to disk (fsync), then
 * renamed over the old one, so a crash at any moment leaves either the old checkpoint or the
 * new one, never a torn file. The directory is synced too, so the rename itself survives a crash.
 */
export async function writeCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fh = await open(temporary, 'w');
    try {
      await fh.writeFile(JSON.stringify(checkpoint));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw new InputError(path, `cannot write the checkpoint: ${describeFsError(error)}`);
  }
  try {
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // some filesystems cannot sync a directory: the file itself is on disk
  }
}
