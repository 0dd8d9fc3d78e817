/**
 * Regular expressions run so that no pattern can take exponential (or even polynomial) time on a
 * hostile line: the query's `matches` (query/regex.ts) and `regex:` formats (formats/pattern/)
 * both compile theirs here. JavaScript's engine backtracks: `/(a+)+$/` on forty `a`s
 * and a `b` runs for minutes, and nothing can interrupt a running `test()`.
 *
 * - Patterns without the i or u flag run on V8's own engine with its linear-time fallback turned
 *   on: after a bounded number of backtracks V8 re-runs the match on its linear engine
 *   (`--enable-experimental-regexp-engine-on-excessive-backtracks`), so the common case keeps
 *   V8's speed and the worst case is linear.
 * - V8's linear engine cannot take the i or u flags, so those patterns run on re2js (a port of
 *   RE2, linear time by construction; about 2x slower than V8 here), unless the pattern has no
 *   quantifier at all (`bot|crawler` with i): then backtracking is bounded by its length anyway.
 * - Backreferences and lookaround have no linear-time algorithm: they are refused with a clear
 *   error rather than run unguarded.
 */
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { RE2JS } from 're2js';

/** What `matches` needs of a compiled pattern. */
export interface TextMatcher {
  test(text: string): boolean;
  /** The pattern as the user wrote it, `/source/flags`. */
  toString(): string;
}

/** A pattern that also gives its captures (a `regex:` format's fields). */
export interface CapturingMatcher extends TextMatcher {
  /**
   * The first match in `text`: capture k (1-based, in the order the groups open) at [k], the
   * whole match at [0], undefined for a group that did not take part; null when no match.
   */
  exec(text: string): ArrayLike<string | undefined> | null;
  /** Name of each capture group, by number (index 0, the whole match, is null; so are unnamed groups). */
  readonly groupNames: readonly (string | null)[];
}

/** Why a pattern cannot be used; the caller turns it into a QueryError at the pattern. */
export class RegexError extends Error {}

export const REGEX_FLAGS = 'imsu';

let fallbackEnabled = false;

/** Turns on V8's linear fallback once, before the first pattern is compiled. */
function enableLinearFallback(): void {
  if (fallbackEnabled) return;
  fallbackEnabled = true;
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
}

export function compileMatcher(source: string, flags: string): CapturingMatcher {
  for (const flag of flags) {
    if (!REGEX_FLAGS.includes(flag)) {
      const why = flag === 'g' || flag === 'y' ? 'is not supported: each record is tested once' : 'is unknown (use i, m, s or u)';
      throw new RegexError(`regular expression flag '${flag}' ${why}`);
    }
  }
  const shape = patternShape(source);
  if (shape.backtrackingOnly) {
    throw new RegexError(
      'backreferences and lookaround are not supported: they can take exponential time (logsift runs patterns in linear time)',
    );
  }
  let native: RegExp;
  try {
    enableLinearFallback();
    native = new RegExp(source, flags);
    native.test(''); // V8 compiles on first use: a pattern too large to compile fails here, not mid-run
  } catch (e) {
    const detail = e instanceof Error ? e.message.slice(e.message.lastIndexOf(': ') + 2) : String(e);
    throw new RegexError(`invalid regular expression /${shown(source)}/${flags}: ${shown(detail)}`);
  }
  const text = `/${source}/${flags}`;
  const groupNames = shape.groups;
  if (!/[iu]/.test(flags) || !shape.quantified) {
    return { test: (s) => native.test(s), exec: (s) => native.exec(s), groupNames, toString: () => native.toString() };
  }
  const re2 = compileRe2(source, flags);
  return {
    test: (s) => re2.test(s),
    exec: (s) => {
      const m = re2.matcher(s);
      if (!m.find()) return null;
      const out: (string | undefined)[] = [];
      for (let k = 0; k < groupNames.length; k++) out.push(m.group(k) ?? undefined);
      return out;
    },
    groupNames,
    toString: () => text,
  };
}

interface PatternShape {
  /** Has a quantifier (`*`, `+`, `?`, `{`) outside character classes. */
  readonly quantified: boolean;
  /** Uses a backreference or lookaround, which only a backtracking engine can run. */
  readonly backtrackingOnly: boolean;
  /** The capture groups' names in the order they open, after a null for the whole match. */
  readonly groups: readonly (string | null)[];
}

/** A light scan of the pattern's syntax: escapes and classes skipped, groups' openers read. */
function patternShape(source: string): PatternShape {
  let quantified = false;
  let backtrackingOnly = false;
  const groups: (string | null)[] = [null];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) backtrackingOnly = true;
      i++;
    } else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(' && source[i + 1] === '?') {
      const opener = source.slice(i + 2, i + 4);
      if (opener.startsWith('=') || opener.startsWith('!') || opener === '<=' || opener === '<!') backtrackingOnly = true;
      else if (opener.startsWith('<')) groups.push(/^<([A-Za-z_$][\w$]*)>/.exec(source.slice(i + 2))?.[1] ?? null);
      i++; // the `?` of a group opener is no quantifier
    } else if (c === '(') {
      groups.push(null);
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      quantified = true;
    }
  }
  return { quantified, backtrackingOnly, groups };
}

let re2js: typeof RE2JS | null = null;

/** re2js is loaded the first time a pattern needs it: most queries never do. */
function compileRe2(source: string, flags: string): RE2JS {
  re2js ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  let options = 0;
  if (flags.includes('i')) options |= re2js.CASE_INSENSITIVE;
  if (flags.includes('m')) options |= re2js.MULTILINE;
  if (flags.includes('s')) options |= re2js.DOTALL;
  try {
    return re2js.compile(source, options);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new RegexError(`regular expression /${shown(source)}/${flags} is not supported by the linear-time engine: ${shown(detail)}`);
  }
}

/** A pattern as quoted in a message: long ones are cut, so the message stays one readable line. */
function shown(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
