import type { Row, RowSchema } from '../core/row.js';
import { Instant, type Value } from '../core/value.js';
import { BufferedOut, type TextOut } from './buffered-out.js';
import type { RowWriter } from './writer.js';

/**
 * An aligned text table for people:
 *
 *   status  count  p99(bytes)
 *   ------  -----  ----------
 *      200   9123     ~48211
 *      404     12       ~310
 *   ~ estimate: p99(bytes) ±1%
 *
 * - numbers (and bigints) are right-aligned, everything else left-aligned; a column whose cells
 *   are all numbers has its header right-aligned too;
 * - cells of estimated columns get a leading `~`, and a last line names those columns with
 *   their stated relative error;
 * - non-integer numbers are shown with at most 3 decimals (tiny ones with 3 significant
 *   digits); the machine formats (json, ndjson, csv) keep full precision;
 * - nothing is truncated; CR, LF and TAB inside text are shown as \r, \n, \t to keep rows on
 *   one line; null is an empty cell; trailing spaces are trimmed;
 * - width is measured in UTF-16 code units (`.length`): wide CJK characters and emoji can
 *   misalign their row, a deliberate trade for speed and no width tables.
 *
 * Widths depend on every row, so rows are buffered until end(): use it for aggregate results
 * and bounded `fields` output, and json/ndjson/csv for unbounded streams.
 */
export function tableWriter(schema: RowSchema, out: TextOut): RowWriter {
  const columns = schema.columns;
  const estimates = schema.estimates ?? {};
  const estimated = columns.map((name) => estimates[name] !== undefined);
  const cells: string[][] = [];
  const numericCells: boolean[][] = [];

  return {
    row(r: Row): void {
      const texts: string[] = new Array(columns.length);
      const numeric: boolean[] = new Array(columns.length);
      for (let i = 0; i < columns.length; i++) {
        const v = r[i] ?? null;
        const text = cellText(v);
        texts[i] = estimated[i] && v !== null ? '~' + text : text;
        numeric[i] = typeof v === 'number' || typeof v === 'bigint';
      }
      cells.push(texts);
      numericCells.push(numeric);
    },
    end(): void {
      const buffered = new BufferedOut(out);
      const widths = columns.map((name) => name.length);
      const allNumeric = columns.map(() => cells.length > 0);
      for (let r = 0; r < cells.length; r++) {
        for (let i = 0; i < columns.length; i++) {
          if (cells[r][i].length > widths[i]) widths[i] = cells[r][i].length;
          if (!numericCells[r][i] && cells[r][i] !== '') allNumeric[i] = false;
        }
      }
      const line = (texts: readonly string[], right: (i: number) => boolean): string =>
        texts
          .map((t, i) => (right(i) ? t.padStart(widths[i]) : t.padEnd(widths[i])))
          .join('  ')
          .trimEnd() + '\n';
      buffered.write(line(columns, (i) => allNumeric[i]));
      buffered.write(line(widths.map((w) => '-'.repeat(w)), () => false));
      for (let r = 0; r < cells.length; r++) buffered.write(line(cells[r], (i) => numericCells[r][i]));
      const notes = columns.filter((_, i) => estimated[i]).map((name) => estimateNote(name, estimates[name]));
      if (notes.length > 0) buffered.write(`~ estimate: ${notes.join(', ')}\n`);
      buffered.flush();
    },
    flush(): void {
      // Nothing can be written before every width is known.
    },
  };
}

function estimateNote(name: string, error: string | undefined): string {
  return error ? `${name} ${error}` : name;
}

function cellText(v: Value): string {
  if (v === null) return '';
  switch (typeof v) {
    case 'number':
      return numberText(v);
    case 'string':
      return escapeControls(v);
    case 'bigint':
    case 'boolean':
      return String(v);
    default:
      return v instanceof Instant ? v.toString() : String(v);
  }
}

function numberText(x: number): string {
  if (Number.isInteger(x) || !Number.isFinite(x)) return String(x);
  const rounded = Math.round(x * 1000) / 1000;
  return rounded !== 0 ? String(rounded) : String(+x.toPrecision(3));
}

function escapeControls(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x09) {
      return s.replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t');
    }
  }
  return s;
}
