import { InputError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import { describeFsError } from './fs-errors.js';
import { inspectPath } from './file-source.js';

const GLOB_CHARACTERS = /[*?[{]/;

/** Whether a spec that names no existing path should be expanded as a glob pattern. */
export function looksLikeGlob(spec: string): boolean {
  return GLOB_CHARACTERS.test(spec);
}

/**
 * Expands a glob pattern (so that quoted patterns and `**` work whatever the shell) into the files
 * it matches, sorted by path in code-unit order. Like a shell glob, `*` skips hidden names.
 * Symbolic links to files match; links to directories are not descended (they could loop).
 */
export async function* expandGlob(
  pattern: string,
  onError: (error: InputError) => void,
): AsyncGenerator<Source> {
  let matches: string[];
  try {
    // onlyFiles would drop links to files when links are not followed, so filter by stat below.
    // Loaded on first use: most runs name files, and the module costs ~20 ms to load.
    const { default: fg } = await import('fast-glob');
    matches = await fg(pattern, { onlyFiles: false, followSymbolicLinks: false, dot: false, unique: true });
  } catch (error) {
    onError(new InputError(pattern, describeFsError(error)));
    return;
  }
  matches.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let matched = 0;
  for (const match of matches) {
    const found = await inspectPath(match);
    if (found.kind === 'file') {
      matched += 1;
      yield found.source;
    } else if (found.kind === 'error' && found.code !== 'ENOENT') {
      onError(found.error);
      matched += 1; // it matched; the problem is reported under its own name
    }
  }
  if (matched === 0) onError(new InputError(pattern, 'no files match this pattern'));
}
