import type { LineBatch } from '../core/batch.js';
import { LINE_FIELD, type FieldReader, type RowParser } from '../core/format.js';
import type { StageMeter } from '../core/meters.js';
import type { Row } from '../core/row.js';
import { LineWriter, type BytesOut } from '../output/line-writer.js';
import { recordJson } from '../output/record-writer.js';
import { ExtendedParser } from '../stages/extend.js';
import { TopN } from '../operators/top-n.js';
import { makeRowComparator, type SortKey } from '../operators/compare.js';

/**
 * The end of the record phase: what a pass makes of the records that survived the filters.
 * `consume` runs synchronously per batch; `done` turns true when nothing more is wanted.
 */
export interface Collector {
  consume(b: LineBatch): void;
  readonly done: boolean;
  /** Hands on anything held back (a partly filled output buffer). */
  flush?(): void;
}

/** Original lines, as bytes (`LineWriter`). */
export class LinesCollector implements Collector {
  readonly done = false;
  private readonly writer: LineWriter;

  constructor(
    out: BytesOut,
    private readonly meter: StageMeter,
  ) {
    this.writer = new LineWriter(out);
  }

  consume(b: LineBatch): void {
    this.meter.begin(b.selCount);
    this.writer.writeBatch(b);
    this.meter.end(b.selCount);
  }

  flush(): void {
    this.writer.flush();
  }
}

/** Whole records as NDJSON text (`--json` and `--ndjson` of a filter), gathered per batch. */
export class JsonRecordsCollector implements Collector {
  readonly done = false;

  constructor(
    private readonly out: (text: string) => void,
    private readonly meter: StageMeter,
  ) {}

  consume(b: LineBatch): void {
    this.meter.begin(b.selCount);
    const parser = b.parser!;
    let text = '';
    for (let i = 0; i < b.selCount; i++) text += recordJson(parser.record(b, b.sel[i]!)) + '\n';
    if (text) this.out(text);
    this.meter.end(b.selCount);
  }
}

/**
 * What each record becomes as a row:
 * - `fields`: the values of these fields, then (when `line` is set) the original line's text or
 *   the record's JSON, in a last hidden column, for row stages that keep whole records;
 * - `record`: every field of the first format met (`--csv`/`--table` of a filter).
 */
export type RowShape =
  | { readonly kind: 'fields'; readonly fields: readonly string[]; readonly line: 'text' | 'json' | null }
  | { readonly kind: 'record' };

/** Rows from records, handed on per batch; `emit` returning false means no more are wanted. */
export class RowsCollector implements Collector {
  done = false;
  /** Columns of the rows, once known (for `record`, from the first format met). */
  columns: readonly string[] | null;
  private readonly readers = new Map<RowParser, (FieldReader | undefined)[]>();

  constructor(
    private readonly shape: RowShape,
    private readonly emit: (rows: Row[]) => boolean,
    private readonly meter: StageMeter,
    private readonly onColumns: (columns: readonly string[], parser: RowParser) => void = () => {},
  ) {
    this.columns = shape.kind === 'fields' ? shape.fields : null;
  }

  consume(b: LineBatch): void {
    if (this.done) return;
    this.meter.begin(b.selCount);
    const parser = b.parser!;
    const rows = this.shape.kind === 'fields' ? this.fieldRows(b, parser, this.shape) : this.recordRows(b, parser);
    this.meter.end(rows.length);
    if (rows.length > 0 && !this.emit(rows)) this.done = true;
  }

  private fieldRows(b: LineBatch, parser: RowParser, shape: Extract<RowShape, { kind: 'fields' }>): Row[] {
    let readers = this.readers.get(parser);
    if (!readers) {
      readers = shape.fields.map((f) => parser.reader(f));
      this.readers.set(parser, readers);
    }
    const width = readers.length;
    const rows: Row[] = new Array(b.selCount);
    for (let i = 0; i < b.selCount; i++) {
      const row = b.sel[i]!;
      const r: Row = new Array(width);
      for (let k = 0; k < width; k++) r[k] = readers[k]?.value(b, row) ?? null;
      if (shape.line === 'text') r.push(b.text(row));
      else if (shape.line === 'json') r.push(recordJson(parser.record(b, row)));
      rows[i] = r;
    }
    return rows;
  }

  private recordRows(b: LineBatch, parser: RowParser): Row[] {
    if (this.columns === null) {
      const fields = parser.format.fields;
      // Records stand for their lines: `line` is a field to name, not a column of every record.
      this.columns =
        parser instanceof ExtendedParser ? parser.fieldNames() : fields === null ? [] : fields.filter((f) => f !== LINE_FIELD).map((f) => f.name);
      this.onColumns(this.columns, parser);
    }
    const columns = this.columns;
    const rows: Row[] = new Array(b.selCount);
    for (let i = 0; i < b.selCount; i++) {
      const record = parser.record(b, b.sel[i]!);
      rows[i] = columns.map((c) => record[c] ?? null);
    }
    return rows;
  }
}

/**
 * `sort ... | head N` pushed into the record phase: each pass keeps its own top N (a bounded
 * heap), and merging the heaps of a split input in input order gives the top N of the whole.
 */
export class TopRowsCollector implements Collector {
  readonly done = false;
  heap: TopN;
  private readonly rows: RowsCollector;

  private readonly compare: (a: Row, b: Row) => number;

  constructor(shape: RowShape & { kind: 'fields' }, keys: readonly SortKey[], n: number, meter: StageMeter) {
    this.compare = makeRowComparator(keys);
    this.heap = new TopN(n, this.compare);
    this.rows = new RowsCollector(
      shape,
      (rows) => {
        for (const r of rows) this.heap.push(r);
        return true;
      },
      meter,
    );
  }

  consume(b: LineBatch): void {
    this.rows.consume(b);
  }

  /** An empty heap for the next part of the input. */
  reset(): void {
    this.heap = new TopN(this.heap.limit, this.compare);
  }
}
