/**
 * Two lines that point at a mistake in text the user typed (a query, a format pattern):
 *
 *     count by
 *             ^
 *
 * Tabs and line breaks are shown as spaces so the caret stays under its column; text longer
 * than a terminal line is shown as a window around the caret, with `...`. Both lines are
 * indented by two spaces.
 */
export function caretLines(text: string, column: number): string {
  const shown = text.replace(/[\t\r\n]/g, ' ');
  const at = Math.max(0, Math.min(column, shown.length));
  let from = 0;
  let to = shown.length;
  if (to > WINDOW) {
    from = Math.max(0, Math.min(at - WINDOW / 2, shown.length - WINDOW));
    to = from + WINDOW;
  }
  const before = from > 0 ? '...' : '';
  const after = to < shown.length ? '...' : '';
  return `  ${before}${shown.slice(from, to)}${after}\n  ${' '.repeat(before.length + at - from)}^`;
}

/** Characters of long text shown around the caret. */
const WINDOW = 100;
