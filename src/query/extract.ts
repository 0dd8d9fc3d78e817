/**
 * What `parse` matches with, compiled once: a regex with named groups (regex.ts), or a glob
 * such as `"user=* id=*"` whose `*`s are the fields named after `as`, in the manner of
 * angle-grinder's parse.
 */
import type { ParseStage } from './ast.js';
import type { TextExtractor } from './regex.js';

export function extractorOf(stage: ParseStage): TextExtractor {
  return stage.pattern.kind === 'regex' ? stage.pattern.matcher : globExtractor(stage.pattern.parts, stage.names);
}

/**
 * A glob's match, found anywhere in the text: the literal before the first `*` at its first
 * occurrence, then each `*` takes the shortest text up to the next literal (a `*` at the end
 * takes the rest). That is the lazy regex's answer, found with indexOf alone: no backtracking,
 * linear in the text (later literals are searched only to the right, so no earlier start could
 * succeed where this one failed).
 */
export function globExtractor(parts: readonly string[], names: readonly string[]): TextExtractor {
  const text = JSON.stringify(parts.join('*'));
  const last = parts.length - 1;
  return {
    names,
    exec(s) {
      const first = parts[0]!;
      let at = s.indexOf(first);
      if (at < 0) return null;
      at += first.length;
      const out: string[] = new Array(last);
      for (let k = 1; k <= last; k++) {
        const literal = parts[k]!;
        if (k === last && literal === '') {
          out[k - 1] = s.slice(at);
          return out;
        }
        const next = literal === '' ? at : s.indexOf(literal, at);
        if (next < 0) return null;
        out[k - 1] = s.slice(at, next);
        at = next + literal.length;
      }
      return out;
    },
    toString: () => text,
  };
}
