/**
 * Reading the tools' answers and checking that they agree. mawk and the naive peer print plain
 * text ("123" or "status count" lines); logsift is asked once more with --csv, whose shape the CLI
 * contract fixes (header line, then rows), so the check does not depend on the table's layout.
 */

export type Groups = Map<string, number>;

/** A single number printed alone; NaN when the text is anything else. */
export function parsePlainNumber(text: string): number {
  const t = text.trim();
  return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(t) ? Number(t) : NaN;
}

/** "key count" lines (mawk's `print k, c[k]`). */
export function parsePlainGroups(text: string): Groups {
  const groups: Groups = new Map();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length === 2) groups.set(parts[0]!, Number(parts[1]));
  }
  return groups;
}

/** RFC 4180 rows (quotes, doubled quotes, commas inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The value of `column` in the first data row of logsift's --csv output. */
export function csvNumber(text: string, column: string): number {
  const [header, first] = parseCsv(text);
  if (!header || !first) return NaN;
  const i = header.indexOf(column);
  return parsePlainNumber(first[i >= 0 ? i : 0] ?? '');
}

/** `key -> count` from logsift's --csv output of `count by key`. */
export function csvGroups(text: string, key: string, count = 'count'): Groups {
  const [header, ...rows] = parseCsv(text);
  const groups: Groups = new Map();
  if (!header) return groups;
  const k = header.indexOf(key);
  const c = header.indexOf(count);
  if (k < 0 || c < 0) return groups;
  for (const row of rows) if (row.length > Math.max(k, c)) groups.set(row[k]!, Number(row[c]));
  return groups;
}

/** True when logsift marked a figure as an estimate: `~N` in its table, or a note on stderr. */
export function markedEstimate(tableStdout: string, stderr: string): boolean {
  return /~\s*\d/.test(tableStdout) || /estimat|approximat|sketch/i.test(stderr);
}

/** Differences between two group maps, for the report; empty when equal. */
export function diffGroups(a: Groups, b: Groups, aName: string, bName: string): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (x !== y) out.push(`${key}: ${aName} ${x ?? 'missing'}, ${bName} ${y ?? 'missing'}`);
  }
  return out;
}
