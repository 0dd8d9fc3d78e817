import { QUESTION, QUOTE, SPACE, findLiteral, matchesAt } from '../bytes.js';
import { newTimeOut } from '../time/civil.js';
import { ClfTimeParser } from '../time/clf-time.js';
import { IsoTimeScanner } from '../time/iso-time.js';
import type { StrftimeScanner } from '../time/strftime.js';
import {
  CLF_TIME,
  DECIMAL,
  EPOCH_TIME,
  INT,
  KIND_CODES,
  NUMLIST,
  SIZE,
  TEXT,
  TOKEN,
  escaped,
  scanNumber,
  scannedNumber,
} from './scan-kinds.js';
import type { Template } from './template.js';

/**
 * Candidate ends tried per line before giving up. A normal line needs one per field; a line with
 * stray quotes a few more; only a pathological line reaches this, and it is then malformed.
 */
const MAX_ATTEMPTS = 200;

/**
 * Matches lines against a Template, byte by byte, left to right.
 *
 * Fields of fixed shape (numbers, times) are scanned deterministically. A token ends at the next
 * literal and holds no space. A text field (typically quoted) may end at any occurrence of the
 * next literal: the first is tried, and if the rest of the line then fails to match, the matcher
 * backtracks to the next occurrence. So `"GET /images/" HTTP/1.0" 404 -` reads as the request
 * `GET /images/" HTTP/1.0`, because after the first `" ` no status follows. A quote preceded by an
 * odd number of backslashes is an escape and never ends a quoted field.
 *
 * Every line is matched whole, whatever the query needs, so which lines are malformed never
 * depends on the query. Numbers and times other than CLF ones are decoded while they are
 * scanned: that is how they are validated (and how a number's end is found). A CLF time is
 * validated in place (its date cache keeps that cheap) and decoded when read.
 *
 * This is the general matcher: parse() runs the one-pass ForwardMatcher first and comes here
 * only for the lines it cannot decide (stray quotes, malformed lines, `%U%q`), and for
 * completing rows (record(), a late reader()).
 */
export class AccessMatcher {
  readonly fieldCount: number;

  private readonly literals: readonly Buffer[];
  private readonly literalLengths: Int32Array;
  private readonly kinds: Uint8Array;
  private readonly backtrackable: Uint8Array;
  private readonly stripQuestion: Uint8Array;
  private readonly epochScale: Float64Array;
  private readonly scanners: (StrftimeScanner | undefined)[];
  private readonly fieldStart: Int32Array;
  private readonly resume: Int32Array;
  /**
   * Per text field, the last native search for its literal's first byte: `memoFound[i]` is the
   * first occurrence at or after `memoFrom[i]` in `memoBuf` (-1: none). Rows come in increasing
   * order, so later searches usually fall inside a known answer: the native memchr-speed
   * indexOf is used, yet a batch without the byte is scanned once, not once per line.
   */
  private memoBuf: Buffer | null = null;
  private readonly memoFrom: Int32Array;
  private readonly memoFound: Int32Array;
  private readonly clf = new ClfTimeParser();
  private readonly iso = new IsoTimeScanner();
  private readonly time = newTimeOut();

  constructor(template: Template) {
    const n = template.fields.length;
    this.fieldCount = n;
    this.literals = template.literals;
    this.literalLengths = Int32Array.from(template.literals, (lit) => lit.length);
    this.kinds = Uint8Array.from(template.fields, (f) => KIND_CODES[f.scan]);
    this.backtrackable = Uint8Array.from(this.kinds, (k) => (k === TOKEN || k === TEXT || k === NUMLIST ? 1 : 0));
    this.stripQuestion = Uint8Array.from(template.fields, (f) => (f.stripQuestion ? 1 : 0));
    this.epochScale = Float64Array.from(template.fields, (f) => f.epochScale ?? 1);
    this.scanners = template.fields.map((f) => f.strftime);
    this.fieldStart = new Int32Array(n);
    this.resume = new Int32Array(n);
    this.memoFrom = new Int32Array(n);
    this.memoFound = new Int32Array(n);
  }

  /**
   * Forgets the search memo. Called at the start of every batch: an engine may refill the same
   * Buffer object with new bytes, so identity alone does not prove the memo is still true.
   */
  beginBatch(): void {
    this.memoBuf = null;
  }

  /**
   * Matches buf[s, e). On success writes, for each matched field i, its byte range to
   * spans[spanBase + 2i], spans[spanBase + 2i + 1], and for numbers and times the value
   * (epoch ms for times) to nums[numBase + i] and the time's UTC offset to offsets[numBase + i].
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
    if (!matchesAt(buf, s, e, this.literals[0])) return false;
    const n = this.fieldCount;
    const fieldStart = this.fieldStart;
    const resume = this.resume;
    let budget = MAX_ATTEMPTS;
    let i = 0;
    fieldStart[0] = resume[0] = s + this.literalLengths[0];
    while (i < n) {
      let end = this.findEnd(i, buf, e, nums, offsets, numBase);
      if (end > fieldStart[i] && this.stripQuestion[i] === 1 && buf[fieldStart[i]] !== QUESTION) {
        // A query string is empty or starts with "?": let an earlier field try again.
        resume[i] = e + 1;
        end = -1;
      }
      if (end < 0) {
        if (--budget < 0) return false;
        let j = i - 1;
        while (j >= 0 && !(this.backtrackable[j] === 1 && resume[j] <= e)) j--;
        if (j < 0) return false;
        i = j;
        continue;
      }
      let start = fieldStart[i];
      if (this.stripQuestion[i] === 1 && start < end) start++;
      spans[spanBase + 2 * i] = start;
      spans[spanBase + 2 * i + 1] = end;
      i++;
      if (i < n) fieldStart[i] = resume[i] = end + this.literalLengths[i];
    }
    return true;
  }

  /**
   * The end of field i (starting at fieldStart[i]), such that literal i+1 follows it (and, for the
   * last field, ends the line); -1 when there is none (left). Backtrackable kinds continue from
   * resume[i] and advance it past the end they return.
   */
  private findEnd(i: number, buf: Buffer, e: number, nums: Float64Array, offsets: Int16Array, numBase: number): number {
    const start = this.fieldStart[i];
    const lit = this.literals[i + 1];
    const last = i === this.fieldCount - 1;
    if (lit.length === 0 && !last) return this.beforeQueryEnd(i, buf, e);
    switch (this.kinds[i]) {
      case TOKEN:
        return last ? this.lastFieldEnd(i, buf, e, true) : this.tokenEnd(i, buf, e, lit);
      case TEXT:
      case NUMLIST:
        return last ? this.lastFieldEnd(i, buf, e, false) : this.textEnd(i, buf, e, lit);
      case INT:
      case SIZE:
      case DECIMAL:
      case EPOCH_TIME:
        return this.numberEnd(i, buf, start, e, lit, last, nums, offsets, numBase);
      case CLF_TIME: {
        // The zone follows the only space inside a CLF time, so search past it.
        const end = last ? e - lit.length : findLiteral(buf, start + 21, e, lit);
        if (end < 0 || (last && !matchesAt(buf, end, e, lit))) return -1;
        // Validated only: access-fields.ts decodes a CLF time from its span when it is read.
        return this.clf.check(buf, start, end) ? end : -1;
      }
      default: {
        const scanner = this.scanners[i];
        const end = scanner ? scanner.scan(buf, start, e, this.time) : this.iso.scan(buf, start, e, this.time);
        if (end < 0 || !this.literalEnds(buf, end, e, lit, last)) return -1;
        nums[numBase + i] = this.time.ms;
        offsets[numBase + i] = this.time.offsetMinutes;
        return end;
      }
    }
  }

  private literalEnds(buf: Buffer, end: number, e: number, lit: Buffer, last: boolean): boolean {
    return last ? end + lit.length === e && matchesAt(buf, end, e, lit) : matchesAt(buf, end, e, lit);
  }

  /** The last field has one possible end: where the final literal ends the line. */
  private lastFieldEnd(i: number, buf: Buffer, e: number, noSpaces: boolean): number {
    const lit = this.literals[i + 1];
    const end = e - lit.length;
    const start = this.fieldStart[i];
    const tried = this.resume[i] > start;
    this.resume[i] = e + 1;
    if (tried || end < start || !matchesAt(buf, end, e, lit)) return -1;
    if (lit.length > 0 && lit[0] === QUOTE && escaped(buf, start, end)) return -1;
    if (noSpaces) for (let p = start; p < end; p++) if (buf[p] === SPACE) return -1;
    return end;
  }

  /**
   * A field directly followed by Apache's `%q` (`%U%q`): it ends at a `?`, or where the text
   * after the (then empty) query begins.
   */
  private beforeQueryEnd(i: number, buf: Buffer, e: number): number {
    const after = this.literals[i + 2];
    const queryIsLast = i + 2 === this.fieldCount;
    const noSpaces = this.kinds[i] === TOKEN;
    for (let p = this.resume[i]; p <= e; p++) {
      const c = p < e ? buf[p] : -1;
      const found =
        c === QUESTION ||
        (queryIsLast ? p === e - after.length && matchesAt(buf, p, e, after) : after.length > 0 && c === after[0] && matchesAt(buf, p, e, after));
      if (found) {
        this.resume[i] = p + 1;
        return p;
      }
      if (noSpaces && c === SPACE) break;
    }
    this.resume[i] = e + 1;
    return -1;
  }

  private tokenEnd(i: number, buf: Buffer, e: number, lit: Buffer): number {
    const first = lit[0];
    for (let p = this.resume[i]; p < e; p++) {
      const c = buf[p];
      if (c === first && matchesAt(buf, p, e, lit)) {
        this.resume[i] = p + 1;
        return p;
      }
      if (c === SPACE) break;
    }
    this.resume[i] = e + 1;
    return -1;
  }

  private textEnd(i: number, buf: Buffer, e: number, lit: Buffer): number {
    const start = this.fieldStart[i];
    const first = lit[0];
    const quoted = first === QUOTE;
    let p = this.resume[i];
    for (;;) {
      p = this.findFirstByte(i, buf, p, e, first);
      if (p < 0) break;
      if (!matchesAt(buf, p, e, lit)) {
        p++;
        continue;
      }
      if (!(quoted && escaped(buf, start, p))) {
        this.resume[i] = p + 1;
        return p;
      }
      p++;
    }
    this.resume[i] = e + 1;
    return -1;
  }

  /** Index of the first `byte` in [from, e), or -1, through the per-field memo. */
  private findFirstByte(i: number, buf: Buffer, from: number, e: number, byte: number): number {
    if (buf !== this.memoBuf) {
      this.memoBuf = buf;
      this.memoFrom.fill(0x7fffffff);
    }
    const found = this.memoFound[i];
    if (from < this.memoFrom[i] || (found >= 0 && from > found)) {
      this.memoFrom[i] = from;
      this.memoFound[i] = buf.indexOf(byte, from);
    }
    const f = this.memoFound[i];
    return f >= 0 && f < e ? f : -1;
  }

  private numberEnd(
    i: number,
    buf: Buffer,
    start: number,
    e: number,
    lit: Buffer,
    last: boolean,
    nums: Float64Array,
    offsets: Int16Array,
    numBase: number,
  ): number {
    const kind = this.kinds[i];
    const p = scanNumber(buf, start, e, kind);
    if (p < 0) return -1;
    const value = scannedNumber[0];
    if (!this.literalEnds(buf, p, e, lit, last)) return -1;
    if (kind === EPOCH_TIME) {
      if (value !== value) return -1;
      nums[numBase + i] = Math.round(value * this.epochScale[i]);
      offsets[numBase + i] = 0;
    } else {
      nums[numBase + i] = value;
    }
    return p;
  }
}
