import { DASH, DOT, QUOTE, SPACE } from '../bytes.js';
import { newTimeOut } from '../time/civil.js';
import { ClfTimeParser } from '../time/clf-time.js';
import { IsoTimeScanner } from '../time/iso-time.js';
import type { StrftimeScanner } from '../time/strftime.js';
import { forwardMatchSource } from './forward-source.js';
import { EPOCH_TIME, ISO_TIME, KIND_CODES, STRFTIME_TIME, TOKEN, escaped } from './scan-kinds.js';
import type { Template } from './template.js';

/** "No occurrence up to the buffer's end", above any index so that `found < e` is false. */
const NONE = 0x7fffffff;

type CompiledMatch = (
  rt: ForwardMatcher,
  buf: Buffer,
  s: number,
  e: number,
  spans: Int32Array,
  spanBase: number,
  nums: Float64Array,
  offsets: Int16Array,
  numBase: number,
) => boolean;

/**
 * The common case of AccessMatcher (matcher.ts) in one forward pass, with no backtracking state.
 *
 * The backtracking matcher tries, for each field, its candidate ends in order and returns the
 * first combination under which the whole line matches. When every field's *first* candidate
 * works, that combination is the answer. This pass computes exactly those first candidates, with
 * the same rules, and gives up (returns false) at the first field whose first candidate fails;
 * the caller then runs the backtracking matcher, which decides. So both the spans and which
 * lines are malformed are the backtracking matcher's, by construction: a line this pass accepts,
 * the backtracking matcher accepts the same way, and one it rejects is retried there.
 *
 * What makes it cheaper: the steps are compiled for the template (forward-source.ts), the next
 * quote is found by the native `indexOf` (memchr) through a per-field memo, a CLF time is taken
 * as its 26 bytes and only validated (access-fields.ts decodes it when read), and nothing is
 * written for a later retry.
 */
export class ForwardMatcher {
  /** False when the template has a shape this pass does not handle (see forwardMatchSource). */
  readonly usable: boolean;
  readonly clf = new ClfTimeParser();

  private readonly compiled: CompiledMatch | null;
  private readonly last: number;
  private readonly kinds: Uint8Array;
  /** literals[i + 1], the literal after field i. */
  private readonly after: readonly Buffer[];
  private readonly epochScale: Float64Array;
  private readonly scanners: (StrftimeScanner | undefined)[];
  /**
   * Per text field, the last native search for its literal's first byte (as in AccessMatcher):
   * `memoFound[i]` is the first occurrence at or after `memoFrom[i]` in this batch's buffer
   * (NONE: none). Rows come in increasing order, so a field searches once per line, and a batch
   * that lacks the byte is searched once, not once per line (indexOf cannot be bounded by the
   * line's end).
   */
  private readonly memoFrom: Int32Array;
  private readonly memoFound: Int32Array;
  private readonly iso = new IsoTimeScanner();
  private readonly time = newTimeOut();

  /** `writes[i]`: what to store for field i (WRITE_SPAN, WRITE_NUM of forward-source.ts). */
  constructor(template: Template, writes: Uint8Array) {
    const n = template.fields.length;
    this.last = n - 1;
    this.after = template.literals.slice(1);
    this.kinds = Uint8Array.from(template.fields, (f) => KIND_CODES[f.scan]);
    this.epochScale = Float64Array.from(template.fields, (f) => f.epochScale ?? 1);
    this.scanners = template.fields.map((f) => f.strftime);
    this.memoFrom = new Int32Array(n);
    this.memoFound = new Int32Array(n);
    const source = forwardMatchSource(template, writes);
    this.compiled =
      source === null
        ? null
        : (new Function('rt', 'buf', 's', 'e', 'spans', 'o', 'nums', 'offsets', 'no', source) as CompiledMatch);
    this.usable = this.compiled !== null;
  }

  /** Forgets the search memo: an engine may refill the same Buffer with new bytes. */
  beginBatch(): void {
    this.memoFrom.fill(NONE);
    this.memoFound.fill(-1);
  }

  /**
   * Matches buf[s, e) taking every field's first candidate end. On success writes, of what
   * AccessMatcher.match writes, the spans and numbers `writes` asks for, and returns true; false
   * means "not decided here", not "malformed". Only call when `usable`.
   */
  match(
    buf: Buffer,
    s: number,
    e: number,
    spans: Int32Array,
    spanBase: number,
    nums: Float64Array,
    offsets: Int16Array,
    numBase: number,
  ): boolean {
    return (this.compiled as CompiledMatch)(this, buf, s, e, spans, spanBase, nums, offsets, numBase);
  }

  /** First end of text field i: the first occurrence of its literal that is not an escaped quote. */
  textEnd(i: number, buf: Buffer, start: number, e: number): number {
    const lit = this.after[i];
    const n = lit.length;
    const c0 = lit[0];
    const quoted = c0 === QUOTE;
    let q = start;
    for (;;) {
      q = this.findByte(i, buf, q, e, c0);
      if (q < 0) return -1;
      if (literalAt(buf, q, e, lit, n) && !(quoted && escaped(buf, start, q))) return q;
      q++;
    }
  }

  /** The last field (token or text) has one possible end: where the final literal ends the line. */
  lastEnd(i: number, buf: Buffer, start: number, e: number): number {
    const lit = this.after[i];
    const end = e - lit.length;
    if (end < start || !literalAt(buf, end, e, lit, lit.length)) return -1;
    if (lit.length > 0 && lit[0] === QUOTE && escaped(buf, start, end)) return -1;
    if (this.kinds[i] === TOKEN) for (let q = start; q < end; q++) if (buf[q] === SPACE) return -1;
    return end;
  }

  /**
   * The rarer kinds, as AccessMatcher.findEnd scans them: ISO and strftime times, decimals and
   * epoch times. Writes the value; returns the end, or -1.
   */
  otherEnd(i: number, buf: Buffer, start: number, e: number, nums: Float64Array, offsets: Int16Array, numBase: number): number {
    const kind = this.kinds[i];
    const lit = this.after[i];
    const last = i === this.last;
    if (kind === ISO_TIME || kind === STRFTIME_TIME) {
      const time = this.time;
      const scanner = this.scanners[i];
      const end = scanner ? scanner.scan(buf, start, e, time) : this.iso.scan(buf, start, e, time);
      if (end < 0 || !literalEnds(buf, end, e, lit, last)) return -1;
      nums[numBase + i] = time.ms;
      offsets[numBase + i] = time.offsetMinutes;
      return end;
    }
    // DECIMAL, EPOCH_TIME: digits with an optional fraction.
    let q = start;
    let value: number;
    if (q < e && buf[q] === DASH && (q + 1 === e || !isDigitByte(buf[q + 1]))) {
      value = NaN; // `-`: no value
      q++;
    } else {
      value = 0;
      while (q < e && isDigitByte(buf[q])) value = value * 10 + (buf[q++] - 0x30);
      if (q === start) return -1;
      if (q < e && buf[q] === DOT) {
        q++;
        // All digits as one integer, then one division: correctly rounded, like parseFloat.
        let scale = 1;
        while (q < e && isDigitByte(buf[q])) {
          value = value * 10 + (buf[q++] - 0x30);
          scale *= 10;
        }
        value /= scale;
      }
    }
    if (!literalEnds(buf, q, e, lit, last)) return -1;
    if (kind === EPOCH_TIME) {
      if (value !== value) return -1;
      nums[numBase + i] = Math.round(value * this.epochScale[i]);
      offsets[numBase + i] = 0;
    } else {
      nums[numBase + i] = value;
    }
    return q;
  }

  /** Index of the first `byte` in [from, e), or -1, through field i's memo. */
  private findByte(i: number, buf: Buffer, from: number, e: number, byte: number): number {
    let found = this.memoFound[i];
    if (from > found || from < this.memoFrom[i]) {
      found = buf.indexOf(byte, from);
      this.memoFrom[i] = from;
      this.memoFound[i] = found = found < 0 ? NONE : found;
    }
    return found < e ? found : -1;
  }
}

/** True when `lit` (n bytes) occurs at buf[pos] and fits before e. */
function literalAt(buf: Buffer, pos: number, e: number, lit: Buffer, n: number): boolean {
  if (pos + n > e) return false;
  for (let k = 0; k < n; k++) if (buf[pos + k] !== lit[k]) return false;
  return true;
}

/** The literal follows at pos; after the last field it must also end the line there. */
function literalEnds(buf: Buffer, pos: number, e: number, lit: Buffer, last: boolean): boolean {
  return (!last || pos + lit.length === e) && literalAt(buf, pos, e, lit, lit.length);
}

function isDigitByte(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
