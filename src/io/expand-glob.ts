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
  // The glob library expands braces into every combination before it looks at the disk:
  // `{1..10}` six times is a million patterns. Refuse such a pattern at once instead.
  if (braceExpansionSize(pattern) > MAX_BRACE_EXPANSION) {
    onError(new InputError(pattern, `braces expand to more than ${MAX_BRACE_EXPANSION.toLocaleString('en-US')} patterns: use fewer or a wildcard`));
    return;
  }
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

/** Most patterns a glob's braces may expand to. */
export const MAX_BRACE_EXPANSION = 10_000;

/**
 * How many patterns the braces of `pattern` expand to: alternatives `{a,b}` add up (each may hold
 * braces of its own), ranges `{1..10}` / `{a..e}` / `{1..10..2}` count their members, and braces
 * in sequence multiply. Escaped braces count for nothing. Saturates instead of overflowing.
 */
export function braceExpansionSize(pattern: string): number {
  let i = 0;
  const sequence = (closing: boolean): number => {
    let product = 1;
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (c === '\\') i += 2;
      else if (c === '{') {
        i++;
        product = Math.min(product * group(), Number.MAX_SAFE_INTEGER);
      } else if (closing && (c === ',' || c === '}')) return product;
      else i++;
    }
    return product;
  };
  const group = (): number => {
    const start = i;
    const range = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?\}/.exec(pattern.slice(start));
    if (range) {
      i = start + range[0].length;
      const [from, to] = [range[1]!, range[2]!].map((v) => (/\d/.test(v) ? Number(v) : v.charCodeAt(0)));
      const step = Math.abs(Number(range[3] ?? 1)) || 1;
      return Math.floor(Math.abs(to! - from!) / step) + 1;
    }
    let sum = 0;
    for (;;) {
      sum = Math.min(sum + sequence(true), Number.MAX_SAFE_INTEGER);
      if (i >= pattern.length) return sum; // unclosed: not a brace expression, but count it anyway
      if (pattern[i++] === '}') return sum;
    }
  };
  return sequence(false);
}
