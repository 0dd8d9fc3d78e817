import type { LineBatch } from './batch.js';
import type { Source } from './source.js';
import type { Value } from './value.js';

/** Static type of a field. `time` values are Instants; `any` is decided per value (JSON, logfmt). */
export type FieldType = 'string' | 'number' | 'time' | 'any';

export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Other names queries may use for it (nginx's `http_user_agent` for `agent`); they resolve to `name`. */
  readonly aliases?: readonly string[];
}

/**
 * The raw line: a field of every format (listed last in `fields`, answered by every parser's
 * reader(), with a span over the line's bytes). `record()` leaves it out: whole records printed
 * as JSON or CSV already stand for their line, and doubling every line's size helps nobody.
 */
export const LINE_FIELD: FieldSpec = Object.freeze({ name: 'line', type: 'string' });

/**
 * Reads one field of a parsed row. Readers are compiled once per (format, field) and called per
 * row inside the hot loop, so they must not allocate unless asked for a string or Value.
 *
 * `B` is what a row lives in: a LineBatch in the record phase; a Row (one array of values, `row`
 * unused) after an aggregate, so one predicate compiler serves both (query/compile-predicate.ts).
 */
export interface FieldReader<B = LineBatch> {
  readonly name: string;
  readonly type: FieldType;
  /** Decoded text of the field; undefined when the row lacks it. */
  str(b: B, row: number): string | undefined;
  /** Numeric value: numbers as is, times as epoch ms, numeric strings parsed; NaN when absent or not numeric. */
  num(b: B, row: number): number;
  /** Typed value for output and grouping (Instant for times, number for numbers, string...); null when absent. */
  value(b: B, row: number): Value;
  /**
   * Optional zero-copy access: writes the field's byte range into out[0], out[1] and returns the
   * bytes it lies in (the batch's buffer); null when the row lacks the field. Only offered when the
   * field's text is exactly those bytes (no unescaping), so byte comparisons equal string comparisons.
   */
  span?(b: B, row: number, out: Int32Array): Uint8Array | null;
}

/** What a predicate is compiled against: the readers of the fields it names. */
export interface ReaderScope<B = LineBatch> {
  /** A reader for the field, or undefined when no row here can have it (`at`: where the query names it). */
  reader(field: string, at?: number): FieldReader<B> | undefined;
}

/** A parser compiled for one format and one set of needed fields. Holds reusable scratch state. */
export interface RowParser {
  readonly format: LogFormat;
  /**
   * Parses the rows `b.sel[0..b.selCount)`, storing what readers need in `b.parsed`. Rows that do
   * not match the format are removed from the selection (keeping order) and passed to onMalformed
   * (with `glued` when the line is two lines run together). Rows read as written but repaired
   * (access logs' odd requests) stay selected and are passed to onRepaired, when given.
   */
  parse(b: LineBatch, onMalformed: (row: number, note?: 'glued') => void, onRepaired?: (row: number, note: 'quote' | 'spaces') => void): void;
  /** A reader for the field, or undefined when this format can never have it. */
  reader(field: string): FieldReader | undefined;
  /** All fields of the row as values, for --json / --ndjson output (not `line`: see LINE_FIELD). */
  record(b: LineBatch, row: number): Record<string, Value>;
}

export interface LogFormat {
  /** Registry name ("combined", "json", ...) or the format string it was compiled from. */
  readonly name: string;
  /** Fields every record has, `line` last; null when fields come from each line (JSON, logfmt). */
  readonly fields: readonly FieldSpec[] | null;
  /** Builds a parser that decodes at least `needed` (null = every field). */
  parser(needed: ReadonlySet<string> | null): RowParser;
  /**
   * For a format whose records are not lines of the input (`xml:ELEMENT`): rewrites a source's
   * bytes, after decompression and before the line splitter, into lines the parser reads. It
   * fails with an InputError naming the source. Such a source is never split into byte ranges.
   */
  transform?(source: Source, chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer>;
}
