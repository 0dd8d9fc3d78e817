/**
 * `matches` runs its patterns in linear time: the engine choice and the refused constructs live
 * in core/linear-regex.ts, shared with `regex:` formats (which sit below the query layer).
 */
export { compileMatcher, RegexError, REGEX_FLAGS, type TextMatcher } from '../core/linear-regex.js';
