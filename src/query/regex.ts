/**
 * `matches` runs its patterns in linear time: the engine choice and the refused constructs live
 * in core/linear-regex.ts, shared with `regex:` formats (which sit below the query layer).
 */
import { compileMatcher, RegexError } from '../core/linear-regex.js';

export { compileMatcher, RegexError, REGEX_FLAGS, type TextMatcher } from '../core/linear-regex.js';

/** A pattern with named groups, for `parse`: the groups' texts of a match, by name order. */
export interface TextExtractor {
  readonly names: readonly string[];
  /** The named groups of the first match (undefined for a group that took no part), or null. */
  exec(text: string): (string | undefined)[] | null;
  toString(): string;
}

/**
 * The extractor of `parse /re/`: the same linear-time rules as `matches` (V8 with its fallback,
 * re2js for i and u), and at least one named group, `(?<name>...)`.
 */
export function compileExtractor(source: string, flags: string): TextExtractor {
  const matcher = compileMatcher(source, flags); // checks the pattern and its flags
  const names: string[] = [];
  const groups: number[] = [];
  matcher.groupNames.forEach((name, k) => {
    if (name !== null) {
      names.push(name);
      groups.push(k);
    }
  });
  if (names.length === 0) throw new RegexError('parse needs named groups in its pattern, e.g. /(?<user>\\w+)@(?<domain>\\S+)/');
  return {
    names,
    exec: (s) => {
      const m = matcher.exec(s);
      return m === null ? null : groups.map((k) => m[k]);
    },
    toString: () => matcher.toString(),
  };
}
