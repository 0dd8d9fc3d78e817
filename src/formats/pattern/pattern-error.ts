import { caretLines } from '../../core/caret.js';
import { UsageError } from '../../core/errors.js';

/**
 * A mistake in a `pattern:` or `regex:` format: what is wrong, then the format as typed with a
 * caret under the bad part, as a query error shows its query (core/caret.ts):
 *
 *   bad format: "%{" is not closed by "}"
 *     pattern:%{time:yy/MM/dd HH:mm:ss %{level}
 *             ^
 */
export class FormatPatternError extends UsageError {
  constructor(
    readonly spec: string,
    /** 0-based offset into `spec`. */
    readonly column: number,
    readonly why: string,
  ) {
    super(`bad format: ${why}\n${caretLines(spec, column)}`);
    this.name = 'FormatPatternError';
  }
}
