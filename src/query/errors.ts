import { caretLines } from '../core/caret.js';
import { UsageError } from '../core/errors.js';

/**
 * A mistake in the query: what went wrong and where. `column` is a 0-based offset into the
 * query text (the query's length when the query ended too early).
 */
export class QueryError extends UsageError {
  constructor(
    /** What went wrong and what was expected, without the "query error:" prefix. */
    message: string,
    readonly column: number,
    /** The field, when the mistake is a field the format does not have (another format may). */
    readonly unknownField?: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * Three lines for the terminal:
 *
 *   query error: expected a field name after 'by'
 *     count by
 *             ^
 *
 * Tabs and line breaks in the query are shown as spaces so the caret stays under its column. A
 * query longer than a terminal line is shown as a window of it around the caret, with `...`
 * (core/caret.ts, shared with format patterns).
 */
export function formatQueryError(query: string, e: QueryError): string {
  return `query error: ${oneLine(e.message)}\n${caretLines(query, e.column)}`;
}

/** A message quoting the user's text (a string literal may hold a line break) stays one line. */
function oneLine(message: string): string {
  return message.replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
