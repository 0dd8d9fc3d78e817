import type { Row, RowSchema } from '../core/row.js';
import { Instant, type Value } from '../core/value.js';
import { BufferedOut, type TextOut } from './buffered-out.js';
import type { RowWriter } from './writer.js';

/**
 * Rows a table holds to size its columns before it starts streaming. Enough for widths that fit
 * typical data; small enough that the sample costs a few hundred KB at most (a `fields` query
 * over millions of lines used to hold every row).
 */
export const SAMPLE_ROWS = 1000;

export interface TableOptions {
  /** Rows sampled for widths before streaming (an integer ≥ 1); SAMPLE_ROWS unless set (tests). */
  readonly sampleRows?: number;
}

/**
 * An aligned text table for people:
 *
 *   status  count  p99(bytes)
 *   ------  -----  ----------
 *      200   9123     ~48211
 *      404     12       ~310
 *   ~ estimate: p99(bytes) ±1%
 *
 * - numbers (and bigints) are right-aligned, everything else left-aligned; a column whose sampled
 *   cells are all numbers has its header right-aligned too;
 * - cells of estimated columns get a leading `~`, and a last line names those columns with
 *   their stated relative error (the schema, estimates included, is known at creation);
 * - non-integer numbers are shown with at most 3 decimals (tiny ones with 3 significant
 *   digits); the machine formats (json, ndjson, csv) keep full precision;
 * - nothing is truncated; CR, LF and TAB inside text are shown as \r, \n, \t to keep rows on
 *   one line; null is an empty cell; trailing spaces are trimmed;
 * - width is measured in UTF-16 code units (`.length`): wide CJK characters and emoji can
 *   misalign their row, a deliberate trade for speed and no width tables.
 *
 * Widths come from the first `sampleRows` rows (SAMPLE_ROWS): a result that ends within them is
 * sized by every row, as an aggregate's usually is. Once the sample is full, the header, the
 * rule and the sampled rows are written and every later row goes out as it comes (through
 * BufferedOut), so memory stays flat however many rows follow. Widths never change after the
 * header is written: a later cell longer than its column is written whole and misaligns only
 * its own row.
 */
export function tableWriter(schema: RowSchema, out: TextOut, options: TableOptions = {}): RowWriter {
  const sampleRows = options.sampleRows ?? SAMPLE_ROWS;
  if (!Number.isInteger(sampleRows) || sampleRows < 1) {
    throw new RangeError(`sampleRows must be an integer ≥ 1, got ${sampleRows}`);
  }
  const columns = schema.columns;
  const estimates = schema.estimates ?? {};
  const estimated = columns.map((name) => estimates[name] !== undefined);
  const buffered = new BufferedOut(out);
  let sample: Cells[] = [];
  let layout: Layout | null = null; // set when the header is written; fixed from then on

  const start = (): Layout => {
    const fixed = layoutOf(columns, sample);
    buffered.write(line(fixed.widths, columns, fixed.headerRight));
    buffered.write(line(fixed.widths, fixed.widths.map((w) => '-'.repeat(w)), NO_RIGHT));
    for (const cells of sample) buffered.write(line(fixed.widths, cells.texts, cells.numeric));
    sample = []; // the sampled rows are out: let them go
    return fixed;
  };

  return {
    row(r: Row): void {
      const cells = cellsOf(r, columns.length, estimated);
      if (layout) {
        buffered.write(line(layout.widths, cells.texts, cells.numeric));
        return;
      }
      sample.push(cells);
      if (sample.length >= sampleRows) layout = start();
    },
    end(): void {
      layout ??= start();
      const notes = columns.filter((_, i) => estimated[i]).map((name) => estimateNote(name, estimates[name]));
      if (notes.length > 0) buffered.write(`~ estimate: ${notes.join(', ')}\n`);
      buffered.flush();
    },
    flush(): void {
      // Before the header, rows wait in the sample: nothing is ready to go out.
      if (layout) buffered.flush();
    },
  };
}

/** One row's cells as shown, and which of them are numbers (right-aligned). */
interface Cells {
  readonly texts: readonly string[];
  readonly numeric: readonly boolean[];
}

/** What the header fixes: column widths and which headers sit on the right. */
interface Layout {
  readonly widths: readonly number[];
  readonly headerRight: readonly boolean[];
}

const NO_RIGHT: readonly boolean[] = [];

function cellsOf(r: Row, count: number, estimated: readonly boolean[]): Cells {
  const texts: string[] = new Array(count);
  const numeric: boolean[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const v = r[i] ?? null;
    const text = cellText(v);
    texts[i] = estimated[i] && v !== null ? '~' + text : text;
    numeric[i] = typeof v === 'number' || typeof v === 'bigint';
  }
  return { texts, numeric };
}

/** Widths fit the headers and every sampled cell; a header is right-aligned over numbers only. */
function layoutOf(columns: readonly string[], sample: readonly Cells[]): Layout {
  const widths = columns.map((name) => name.length);
  const headerRight = columns.map(() => sample.length > 0);
  for (const { texts, numeric } of sample) {
    for (let i = 0; i < columns.length; i++) {
      if (texts[i].length > widths[i]) widths[i] = texts[i].length;
      if (!numeric[i] && texts[i] !== '') headerRight[i] = false;
    }
  }
  return { widths, headerRight };
}

/** Pads never cut: a text longer than its width goes out whole. */
function line(widths: readonly number[], texts: readonly string[], right: readonly boolean[]): string {
  return (
    texts
      .map((t, i) => (right[i] ? t.padStart(widths[i]) : t.padEnd(widths[i])))
      .join('  ')
      .trimEnd() + '\n'
  );
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
