import { OWN_DIRS } from './own-files.js';

/**
 * A pattern over a frame's file: a RegExp, or text where `*` matches any run of characters
 * (slashes included) and `?` one character, matched against the whole file name. Text without
 * wildcards also matches everything under it as a folder (`/app/lib` matches `/app/lib/x.js`).
 */
export type FilePattern = string | RegExp;

export interface FileFilter {
  /** When given, only frames in matching files can be sites. */
  readonly include?: readonly FilePattern[];
  /** Frames in matching files are never sites: the site is the nearest caller outside them. */
  readonly exclude?: readonly FilePattern[];
}

/**
 * Hidden unless asked for: Node's own modules and logsift's own code. What they allocate is
 * charged to the nearest frame of the program that called them, and named in `via`.
 */
export const DEFAULT_EXCLUDE: readonly FilePattern[] = ['node:*', ...OWN_DIRS];

export type FileTest = (file: string) => boolean;

function compile(pattern: FilePattern): FileTest {
  if (pattern instanceof RegExp) {
    const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')); // stateless test()
    return (file) => re.test(file);
  }
  if (!/[*?]/.test(pattern)) {
    const folder = pattern.endsWith('/') ? pattern : `${pattern}/`;
    return (file) => file === pattern || file.startsWith(folder);
  }
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const re = new RegExp(`^${source}$`);
  return (file) => re.test(file);
}

/**
 * Whether a frame's file may hold a site. Frames without a file (V8 builtins such as `split` or
 * `JSON.parse`, and V8's own pseudo-frames) never can.
 */
export function visibleFiles(filter: FileFilter): FileTest {
  const include = (filter.include ?? []).map(compile);
  const exclude = (filter.exclude ?? DEFAULT_EXCLUDE).map(compile);
  return (file) =>
    file !== '' && (include.length === 0 || include.some((t) => t(file))) && !exclude.some((t) => t(file));
}

/**
 * Patterns as JSON can carry them (a dumped snapshot records its filter): RegExps as
 * `regexp:/source/flags`, text as it is. The prefix keeps paths, which start with a slash too,
 * from reading back as RegExps.
 */
export function patternText(p: FilePattern): string {
  return p instanceof RegExp ? `${REGEXP_PREFIX}${p.toString()}` : p;
}

const REGEXP_PREFIX = 'regexp:';

/** Reads back what patternText wrote. */
export function patternOfText(text: string): FilePattern {
  if (!text.startsWith(REGEXP_PREFIX)) return text;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(text.slice(REGEXP_PREFIX.length));
  return re ? new RegExp(re[1]!, re[2]) : text;
}
