/**
 * Regular expressions for `matches`, run so that no pattern can take exponential (or even
 * polynomial) time on a hostile line. JavaScript's engine backtracks: `/(a+)+$/` on forty `a`s
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

export function compileMatcher(source: string, flags: string): TextMatcher {
  for (const flag of flags) {
    if (!REGEX_FLAGS.includes(flag)) {
      const why = flag === 'g' || flag === 'y' ? 'is not supported: each record is tested once' : 'is unknown (use i, m, s or u)';
      throw new RegexError(`regular expression flag '${flag}' ${why}`);
    }
  }
  const shape = patternShape(source);
  if (shape.backtrackingOnly) {
    throw new RegexError(
      'backreferences and lookaround are not supported in matches: they can take exponential time (logsift runs patterns in linear time)',
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
  if (!/[iu]/.test(flags) || !shape.quantified) return native;
  const re2 = compileRe2(source, flags);
  return { test: (s) => re2.test(s), toString: () => text };
}

interface PatternShape {
  /** Has a quantifier (`*`, `+`, `?`, `{`) outside character classes. */
  readonly quantified: boolean;
  /** Uses a backreference or lookaround, which only a backtracking engine can run. */
  readonly backtrackingOnly: boolean;
}

/** A light scan of the pattern's syntax: escapes and classes skipped, groups' openers read. */
function patternShape(source: string): PatternShape {
  let quantified = false;
  let backtrackingOnly = false;
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
      i++; // the `?` of a group opener is no quantifier
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      quantified = true;
    }
  }
  return { quantified, backtrackingOnly };
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
  const names = [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
  if (names.length === 0) throw new RegexError('parse needs named groups in its pattern, e.g. /(?<user>\\w+)@(?<domain>\\S+)/');
  const matcher = compileMatcher(source, flags); // checks the pattern and its flags
  const text = `/${source}/${flags}`;
  if (matcher instanceof RegExp) {
    const re = matcher;
    return {
      names,
      exec: (s) => {
        const m = re.exec(s);
        return m === null ? null : names.map((n) => m.groups?.[n]);
      },
      toString: () => text,
    };
  }
  const re2 = compileRe2(source, flags);
  return {
    names,
    exec: (s) => {
      const m = re2.matcher(s);
      return m.find() ? names.map((n) => m.group(n) ?? undefined) : null;
    },
    toString: () => text,
  };
}
