import { newTimeOut } from '../time/civil.js';
import { ClfTimeParser } from '../time/clf-time.js';
import { IsoTimeScanner } from '../time/iso-time.js';
import type { StrftimeScanner } from '../time/strftime.js';
import { NONE, forwardMatchSource } from './forward-source.js';
import { EPOCH_TIME, ISO_TIME, KIND_CODES, STRFTIME_TIME, escaped, scanNumber, scannedNumber } from './scan-kinds.js';
import type { Template } from './template.js';

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
 * Compiled sources, so that parsers of the same format and projection (format detection's and
 * the query's, or one re-planned by a late reader()) share one function, and V8's profile and
 * optimised code for it. Grows with the distinct formats and projections a process uses: a few.
 */
const compiledSources = new Map<string, CompiledMatch>();

function compiledMatch(source: string | null): CompiledMatch | null {
  if (source === null) return null;
  let compiled = compiledSources.get(source);
  if (compiled === undefined) {
    compiled = new Function('rt', 'buf', 's', 'e', 'spans', 'o', 'nums', 'offsets', 'no', source) as CompiledMatch;
    compiledSources.set(source, compiled);
  }
  return compiled;
}

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
   * Per text field, the last native search for its literal's first byte (as in AccessMatcher),
   * kept by the compiled steps: `memoFound[i]` is the first occurrence at or after `memoFrom[i]`
   * in this batch's buffer (NONE: none). Rows come in increasing order, so a field searches once
   * per line, and a batch that lacks the byte is searched once, not once per line (indexOf
   * cannot be bounded by the line's end).
   */
  readonly memoFrom: Int32Array;
  readonly memoFound: Int32Array;
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
    this.compiled = compiledMatch(forwardMatchSource(template, writes));
    this.usable = this.compiled !== null;
    this.beginBatch();
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

  /** True when the quote at p is escaped (an odd number of backslashes within [start, p)). */
  escaped(buf: Buffer, start: number, p: number): boolean {
    return escaped(buf, start, p);
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
    const q = scanNumber(buf, start, e, kind);
    if (q < 0) return -1;
    const value = scannedNumber[0];
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
