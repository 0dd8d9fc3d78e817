export type Align = 'left' | 'right';

/**
 * Text rows as aligned columns separated by two spaces, for reports on stderr: by default the
 * first column is left-aligned and the others right-aligned (numbers). Nothing is cut; a cell
 * wider than its column's header widens the column. `trimEnd` drops trailing spaces (for a last
 * column of free text).
 */
export function formatColumns(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: { readonly align?: readonly Align[]; readonly trimEnd?: boolean } = {},
): string[] {
  const align = header.map((_, i) => options.align?.[i] ?? (i === 0 ? 'left' : 'right'));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => {
    const text = header.map((_, i) => (align[i] === 'left' ? (cells[i] ?? '').padEnd(widths[i]!) : (cells[i] ?? '').padStart(widths[i]!))).join('  ');
    return options.trimEnd ? text.trimEnd() : text;
  };
  return [line(header), ...rows.map(line)];
}
