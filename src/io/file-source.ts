import { access, constants, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import { describeFsError } from './fs-errors.js';

/** What a path turned out to be, after following symbolic links. */
export type PathKind =
  | { readonly kind: 'file'; readonly source: Source }
  | { readonly kind: 'directory' }
  | { readonly kind: 'other'; readonly stats: Stats }
  | { readonly kind: 'error'; readonly error: InputError; readonly code: string | undefined };

/**
 * Stats `path` (following links) and, for a regular file, checks that it can be read, so that an
 * unreadable file is reported while finding inputs rather than halfway through a run.
 */
export async function inspectPath(path: string): Promise<PathKind> {
  let stats: Stats;
  try {
    stats = await stat(path);
    if (stats.isDirectory()) return { kind: 'directory' };
    if (!stats.isFile()) return { kind: 'other', stats };
    await access(path, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: 'error', error: new InputError(path, describeFsError(error)), code };
  }
  return { kind: 'file', source: { name: path, path, size: stats.size } };
}
