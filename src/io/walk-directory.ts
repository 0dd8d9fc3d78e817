import { readdir } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { InputError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import { describeFsError } from './fs-errors.js';
import { inspectPath } from './file-source.js';

/**
 * All regular files below `directory`, recursively, in plain code-unit order of their full paths,
 * streamed (depth-first) rather than collected first. Hidden files are included. Symbolic links to
 * files are followed; links to directories are not (they could loop). Sockets, FIFOs and devices
 * inside a tree are skipped: reading a FIFO found by a walk would block forever.
 */
export async function* walkDirectory(
  directory: string,
  onError: (error: InputError) => void,
): AsyncGenerator<Source> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    onError(new InputError(directory, describeFsError(error)));
    return;
  }
  for (const { entry } of sortedLikeFullPaths(entries)) {
    const path = joinPath(directory, entry.name);
    if (entry.isDirectory()) {
      yield* walkDirectory(path, onError);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      const found = await inspectPath(path);
      if (found.kind === 'file') yield found.source;
      // A link that dangles is not a file below the directory: skipped, as grep -r and rg do.
      else if (found.kind === 'error' && !(entry.isSymbolicLink() && found.code === 'ENOENT')) {
        onError(found.error);
      }
    }
  }
}

/**
 * Sorting a directory's entries by `name + '/'` for directories and `name` for the rest makes a
 * depth-first walk come out in the same order as sorting every full path at the end: a directory's
 * descendants all share the prefix `name/`, and no entry name contains '/'.
 */
function sortedLikeFullPaths(entries: readonly Dirent[]): { entry: Dirent; key: string }[] {
  const keyed = entries.map((entry) => ({ entry, key: entry.isDirectory() ? `${entry.name}/` : entry.name }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed;
}

/** Joins without normalising, so names keep the prefix the user typed (`./logs/a.log`). */
function joinPath(directory: string, name: string): string {
  return directory.endsWith('/') ? directory + name : `${directory}/${name}`;
}
