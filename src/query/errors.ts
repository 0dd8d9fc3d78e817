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
    /** The query the column points into, and the option that gave it, when it is not the command line's own query. */
    readonly source?: { readonly query: string; readonly option: string },
  ) {
    super(message);
    this.name = 'QueryError';
  }

  /** This error, as one in the query given with `option` (`-e`, `--alert`). */
  in(query: string, option: string): QueryError {
    return this.source ? this : new QueryError(this.message, this.column, this.unknownField, { query, option });
  }
}

/** Runs `fn`, telling a query error it comes from `query` given with `option`. */
export function inQuery<T>(query: string, option: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw fromQuery(error, query, option);
  }
}

/** `error`, told it comes from `query` given with `option` when it is a query error. */
export function fromQuery(error: unknown, query: string, option: string | undefined): unknown {
  return error instanceof QueryError && option !== undefined ? error.in(query, option) : error;
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
  if (e.source) return `${e.source.option} '${e.source.query}': query error: ${oneLine(e.message)}\n  ${caretLines(e.source.query, e.column).replace(/\n/g, '\n  ')}`;
  return `query error: ${oneLine(e.message)}\n${caretLines(query, e.column)}`;
}

/** A message quoting the user's text (a string literal may hold a line break) stays one line. */
function oneLine(message: string): string {
  return message.replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}
