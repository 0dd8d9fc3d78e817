import type { Source } from './source.js';
import { decodeText } from './text.js';
import type { RowParser } from './format.js';

/**
 * The unit of work in the hot path: one buffer holding whole lines of one source, with the line
 * boundaries found once and a selection vector of the rows still alive.
 *
 * Stages never loop per line across an await: each stage runs synchronously over a whole batch
 * (a few hundred KiB to 1 MiB), so the cost of async is paid once per batch, not once per line.
 *
 * Invariants:
 * - line i is `buf[starts[i], ends[i])`, without its "\n" and without a trailing "\r";
 * - `sel[0..selCount)` lists live rows in increasing order; filters shrink it in place;
 * - `firstLine + i` is the 1-based line number of row i in `source`;
 * - a batch never spans two sources.
 */
export class LineBatch {
  count = 0;
  selCount = 0;
  /** Set by the parse stage: the parser whose readers understand `parsed`. */
  parser: RowParser | null = null;
  /** Parser-owned per-row state (field offsets, decoded objects...). Opaque to everyone else. */
  parsed: unknown = null;

  constructor(
    readonly source: Source,
    readonly buf: Buffer,
    public starts: Int32Array,
    public ends: Int32Array,
    public sel: Uint32Array,
    readonly firstLine: number,
  ) {}

  /** Line number (1-based, within the source) of row i. */
  lineNumber(row: number): number {
    return this.firstLine + row;
  }

  /**
   * A batch over the same bytes, line boundaries and parsed state, with a selection of its own:
   * what one of several consumers of the same read gets (broadcast), so that its filters shrink
   * only its own selection. Cheap: one copy of the selection vector, nothing else.
   */
  fork(): LineBatch {
    const copy = new LineBatch(this.source, this.buf, this.starts, this.ends, this.sel.slice(0, this.count), this.firstLine);
    copy.count = this.count;
    copy.selCount = this.selCount;
    copy.parser = this.parser;
    copy.parsed = this.parsed;
    return copy;
  }

  /** The raw bytes of row i (a view, not a copy). */
  line(row: number): Buffer {
    return this.buf.subarray(this.starts[row], this.ends[row]);
  }

  /** The row decoded as UTF-8 text. */
  text(row: number): string {
    return decodeText(this.buf, this.starts[row]!, this.ends[row]!);
  }
}
