/**
 * A source map's `mappings` (Source Map v3), decoded one generated line at a time, when that line
 * is asked for.
 *
 * A trace report maps a few hundred positions, but a bundle's map holds hundreds of thousands of
 * segments: decoding them all into objects up front (as `module.SourceMap` does) costs tens of
 * milliseconds for nothing. The fields other than the generated column are deltas across the whole
 * string, so a line cannot be decoded without the state its predecessors leave; one pass at load
 * time therefore decodes every value but keeps only, per generated line, where the line starts in
 * the string and the running state there (in one flat Int32Array: no object, string or array per
 * segment). A line's segments are decoded from that state on first use, and cached.
 */

/** Where a generated position comes from: an index into the map's `sources`, 0-based line and column. */
export interface MappedPosition {
  readonly originalSource: number;
  readonly originalLine: number;
  readonly originalColumn: number;
}

/**
 * What each ASCII character is in `mappings`: its Base64 digit value (0-63: the low 5 bits are
 * value bits, and 32 set says another digit of the same value follows), or one of these three.
 * One table lookup per character tells the reading loops all they need.
 */
const SEPARATOR = 64; // `,`: the next segment of the line
const NEXT_LINE = 65; // `;`: the next generated line
const NOT_MAPPINGS = 66; // anything else: the mappings are malformed from here
const CLASS = new Uint8Array(128).fill(NOT_MAPPINGS);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  CLASS[c.charCodeAt(0)] = i;
});
CLASS[','.charCodeAt(0)] = SEPARATOR;
CLASS[';'.charCodeAt(0)] = NEXT_LINE;

/** The line index: per generated line, these slots (STRIDE of them). */
const START = 0; // offset of the line's first segment in `mappings`
const SOURCE = 1; // running source index at the line's start
const LINE = 2; // running original line
const COLUMN = 3; // running original column
const NAME = 4; // running name index (kept only so later deltas stay right)
const BEFORE = 5; // what the last segment of the earlier lines is: NOTHING, SOURCED or SOURCELESS
const STRIDE = 6;

const NOTHING = 0;
const SOURCED = 1;
const SOURCELESS = 2;

/** A decoded line: per segment, its generated column, source index (-1: none), original line and column. */
const SEG = 4;

const SEMICOLON_CODE = 59; // ';'
const COMMA_CODE = 44; // ','

interface DecodedLine {
  readonly segments: Int32Array;
  /** Generated columns ascending (every generator writes them so): a binary search finds a column. */
  readonly sorted: boolean;
}

/**
 * The mappings of one source map. `entryAt` answers a generated position; `segmentAt` and
 * `sourcedBefore` tell the misses apart, as SourceMapper needs to answer what node's findEntry did.
 */
export class MappingLines {
  /** Lines [0, lineCount) are well-formed and can be decoded; a malformed segment ends the map at its line. */
  readonly lineCount: number;
  private readonly index: Int32Array;
  private readonly decoded = new Map<number, DecodedLine>();

  /** `sourceCount` is the length of the map's `sources`: a segment naming no source there has none (as in node). */
  constructor(
    private readonly mappings: string,
    private readonly sourceCount: number,
  ) {
    let index = new Int32Array(STRIDE * 256);
    let line = 0;
    let source = 0;
    let original = 0;
    let column = 0;
    let name = 0;
    let before = NOTHING;
    let fields = 0; // values read of the current segment
    let malformed = false;
    const s = mappings;
    const n = s.length;
    // One loop with all state in locals and no call but charCodeAt: the pass runs once per map,
    // mostly before the JIT has compiled it, where every call and property read per value counts.
    let i = 0;
    for (;;) {
      let c = i < n ? s.charCodeAt(i) : SEMICOLON_CODE; // the end closes the last segment as `;` does
      let k = c < 128 ? CLASS[c]! : NOT_MAPPINGS;
      if (k < SEPARATOR) {
        // One Base64 VLQ value: 5 bits per digit, least significant first, while 32 says more
        // follow. Seven digits hold 32 bits; past the end, charCodeAt's NaN classes as NOT_MAPPINGS.
        let value = k & 31;
        let shift = 0;
        i++;
        while (k & 32) {
          c = s.charCodeAt(i);
          k = c < 128 ? CLASS[c]! : NOT_MAPPINGS;
          shift += 5;
          if (k >= SEPARATOR || shift > 30 || (shift === 30 && (k & 31) > 3)) {
            malformed = true; // cut short, or more than 32 bits
            break;
          }
          value |= (k & 31) << shift;
          i++;
        }
        if (malformed) break;
        // The lowest bit is the sign; `>>>` reads the rest as unsigned even when bit 31 is set.
        const delta = value & 1 ? -(value >>> 1) : value >>> 1;
        // Field 0, the generated column, restarts each line: only the line's own decoding needs it.
        if (fields === 1) source += delta;
        else if (fields === 2) original += delta;
        else if (fields === 3) column += delta;
        else if (fields === 4) name += delta;
        else if (fields === 5) {
          malformed = true; // a sixth field
          break;
        }
        fields++;
        continue;
      }
      // The end of a segment: 1, 4 or 5 fields (0 for an empty line or `,,`).
      if (k === NOT_MAPPINGS || fields === 2 || fields === 3) {
        malformed = true;
        break;
      }
      if (fields === 1) before = SOURCELESS;
      else if (fields > 1) before = source >= 0 && source < sourceCount ? SOURCED : SOURCELESS;
      fields = 0;
      if (i >= n) break;
      i++;
      if (k === NEXT_LINE) {
        line++;
        if ((line + 1) * STRIDE > index.length) {
          const grown = new Int32Array(index.length * 2);
          grown.set(index);
          index = grown;
        }
        // Slot 0 (line 0) starts at offset 0 with all state zero, as a fresh Int32Array has it.
        const slot = line * STRIDE;
        index[slot + START] = i;
        index[slot + SOURCE] = source;
        index[slot + LINE] = original;
        index[slot + COLUMN] = column;
        index[slot + NAME] = name;
        index[slot + BEFORE] = before;
      }
    }
    // A malformed segment ends the map at its line: that line and every later one map nothing.
    this.lineCount = malformed ? line : line + 1;
    this.index = index;
  }

  /**
   * The segment on generated line `line0` with the greatest generated column <= `column0` (0-based),
   * if it has a source; undefined when it has none, or no segment of that line is at or before the column.
   */
  entryAt(line0: number, column0: number): MappedPosition | undefined {
    return this.segmentAt(line0, column0) ?? undefined;
  }

  /**
   * As `entryAt`, but telling the two misses apart: null when the segment at the column has no
   * source, undefined when the line has no segment at or before the column.
   */
  segmentAt(line0: number, column0: number): MappedPosition | null | undefined {
    const line = this.line(line0);
    if (line === undefined) return undefined;
    const seg = line.segments;
    const count = seg.length / SEG;
    let hit = -1;
    if (line.sorted) {
      // The last segment whose column is <= column0 (the last of equal columns, as node's findEntry).
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (seg[mid * SEG]! <= column0) lo = mid + 1;
        else hi = mid;
      }
      hit = lo - 1;
    } else {
      for (let i = 0; i < count; i++) {
        const g = seg[i * SEG]!;
        if (g <= column0 && (hit < 0 || g >= seg[hit * SEG]!)) hit = i;
      }
    }
    if (hit < 0) return undefined;
    const at = hit * SEG;
    if (seg[at + 1]! < 0) return null;
    return { originalSource: seg[at + 1]!, originalLine: seg[at + 2]!, originalColumn: seg[at + 3]! };
  }

  /**
   * Whether the last segment before generated line `line0` (on the nearest earlier line that has
   * one) has a source: where node's findEntry answers for a position before a line's first segment.
   */
  sourcedBefore(line0: number): boolean {
    return line0 >= 0 && line0 < this.lineCount && this.index[line0 * STRIDE + BEFORE] === SOURCED;
  }

  /** The segments of one line, decoded on first use from the state the index kept for it. */
  private line(line0: number): DecodedLine | undefined {
    if (!(line0 >= 0 && line0 < this.lineCount)) return undefined;
    let decoded = this.decoded.get(line0);
    if (decoded !== undefined) return decoded;
    const s = this.mappings;
    const slot = line0 * STRIDE;
    const start = this.index[slot + START]!;
    let end = s.indexOf(';', start);
    if (end < 0) end = s.length;
    // Count first so that the line's segments fill one array of the right size.
    let count = 0;
    for (let i = start; i < end; i++) if (s.charCodeAt(i) === COMMA_CODE) count++;
    const segments = new Int32Array((count + 1) * SEG);
    let source = this.index[slot + SOURCE]!;
    let original = this.index[slot + LINE]!;
    let column = this.index[slot + COLUMN]!;
    let generated = 0;
    let sorted = true;
    let fields = 0;
    let at = 0; // the current segment's first slot in `segments`
    // The index pass's reading again (see there), over characters it found well-formed.
    let i = start;
    for (;;) {
      let k = i < end ? CLASS[s.charCodeAt(i)]! : SEPARATOR; // the line's end closes its last segment
      if (k < SEPARATOR) {
        let value = k & 31;
        let shift = 0;
        i++;
        while (k & 32) {
          k = CLASS[s.charCodeAt(i++)]!;
          shift += 5;
          value |= (k & 31) << shift;
        }
        const delta = value & 1 ? -(value >>> 1) : value >>> 1;
        if (fields === 0) {
          if (at > 0 && delta < 0) sorted = false;
          generated += delta;
          segments[at] = generated;
        } else if (fields === 1) source += delta;
        else if (fields === 2) original += delta;
        else if (fields === 3) column += delta; // a fifth field, the name, no answer needs
        fields++;
        continue;
      }
      if (fields === 1) {
        segments[at + 1] = -1;
        at += SEG;
      } else if (fields > 1) {
        segments[at + 1] = source >= 0 && source < this.sourceCount ? source : -1;
        segments[at + 2] = original;
        segments[at + 3] = column;
        at += SEG;
      }
      fields = 0;
      if (i >= end) break;
      i++;
    }
    decoded = { segments: at === segments.length ? segments : segments.subarray(0, at), sorted };
    this.decoded.set(line0, decoded);
    return decoded;
  }
}
