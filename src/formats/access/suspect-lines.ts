import { QUOTE, RBRACKET, SPACE, matchesAt } from '../bytes.js';
import { CLF_TIME_LENGTH, ClfTimeParser } from '../time/clf-time.js';
import type { ForwardMatcher } from './forward-matcher.js';
import { NONE } from './forward-source.js';
import { isHttpVersion } from './request-line.js';
import { KIND_CODES, TEXT, escaped } from './scan-kinds.js';
import type { Template } from './template.js';

/** What inspect() found: nothing, a glued line (malformed), or a request it repaired. */
export const CLEAN = 0;
export const GLUED = 1;
export const QUOTE_INSIDE = 2;
export const SPACES_BEFORE_PROTOCOL = 3;
export type SuspectNote = typeof CLEAN | typeof GLUED | typeof QUOTE_INSIDE | typeof SPACES_BEFORE_PROTOCOL;

/** A second access-log line starting inside this one: `host - - [` then a CLF time (issue 8). */
const GLUE = Buffer.from('- - [');
const LBRACKET = 0x5b;

/**
 * Access-log lines that match their format but should not pass silently (issue 8, item 5):
 *
 * - **glued**: a lost line break ran two lines together, so a second `host - - [dd/Mon/yyyy:...]`
 *   sits inside the first's request or agent (the backtracking matcher happily reads the rest as
 *   one long field). Such a line is malformed.
 * - **repaired**: a request read as written, but odd: an unescaped quote inside it (`"GET /a"
 *   HTTP/1.0"`, which only backtracking reads right), or several spaces before the protocol
 *   (`GET /a   HTTP/1.0`: the url keeps none of them, request-line.ts). Counted per file.
 *
 * Cost on the hot path, per matched line: one native search for the byte `[` from the end of the
 * line's time (memchr speed; on a normal line it lands on the next line's time, past this line's
 * end; only a `[` inside the line is looked at closely), a look at the last ten bytes of the
 * request, and one comparison telling whether the forward matcher skipped a quote inside the
 * request (its search memo moved past the request's start: see ForwardMatcher.memoFrom); only
 * then, and for lines the backtracking matcher read, is the request scanned for a quote.
 * (Searching for the needle `- - [` itself measured 300 ns a line: Buffer.indexOf with a
 * multi-byte needle is slow; a one-byte search, about 20.)
 */
export class SuspectLines {
  /** Whether this template has anything to check (a request or a CLF time). */
  readonly active: boolean;
  /** Slots whose spans inspect() reads: the parser stores them whatever the query needs. */
  readonly slotsRead: readonly number[];
  private readonly request: number;
  private readonly time: number;
  /** The forward matcher's memo tells about quotes in the request (a quoted text field). */
  private readonly memoTells: boolean;
  private readonly clf = new ClfTimeParser();
  private glueBuf: Buffer | null = null;
  private glueFrom = 0;
  private glueFound = NONE;

  constructor(template: Template) {
    this.request = template.fields.findIndex((f) => f.name === 'request');
    this.time = template.fields.findIndex((f) => f.scan === 'clf_time');
    this.active = this.request >= 0 || this.time >= 0;
    this.slotsRead = [this.request, this.time].filter((slot) => slot >= 0);
    const r = this.request;
    this.memoTells = r >= 0 && KIND_CODES[template.fields[r]!.scan] === TEXT && template.literals[r + 1]![0] === QUOTE;
  }

  /** Forgets the search memo: an engine may refill the same Buffer with new bytes. */
  beginBatch(): void {
    this.glueBuf = null;
  }

  /**
   * Looks at a matched line ending at `e` whose spans sit at spans[o...]; `forward` is the
   * forward matcher when it matched the line (its memo is then this line's).
   */
  inspect(buf: Buffer, e: number, spans: Int32Array, o: number, forward: ForwardMatcher | null): SuspectNote {
    if (this.time >= 0 && this.glued(buf, spans[o + 2 * this.time + 1]!, e)) return GLUED;
    const r = this.request;
    if (r < 0) return CLEAN;
    const rs = spans[o + 2 * r]!;
    const re = spans[o + 2 * r + 1]!;
    if (forward === null || !this.memoTells || forward.memoFrom[r]! > rs) {
      for (let p = rs; p < re; p++) if (buf[p] === QUOTE && !escaped(buf, rs, p)) return QUOTE_INSIDE;
    }
    // The protocol is short: its space is among the request's last few bytes, nearly always
    // nine from the end (`HTTP/1.1`), which is looked at first.
    let q = re - 9;
    if (q <= rs || buf[q] !== SPACE) {
      q = re - 1;
      const stop = Math.max(rs + 1, re - 12);
      while (q >= stop && buf[q] !== SPACE) q--;
      if (q < stop) return CLEAN;
    }
    return buf[q - 1] === SPACE && isHttpVersion(buf, q + 1, re) ? SPACES_BEFORE_PROTOCOL : CLEAN;
  }

  /** Is there a `- - [` with a CLF time after it in buf[from, e)? */
  private glued(buf: Buffer, from: number, e: number): boolean {
    for (;;) {
      // The next `[`, through a memo: a batch without one (or with one far ahead) is searched once.
      if (buf !== this.glueBuf || from < this.glueFrom || (this.glueFound !== NONE && from > this.glueFound)) {
        const found = buf.indexOf(LBRACKET, from);
        this.glueBuf = buf;
        this.glueFrom = from;
        this.glueFound = found < 0 ? NONE : found;
      }
      const g = this.glueFound;
      if (g >= e) return false;
      const t = g + 1;
      if (
        g - GLUE.length + 1 >= from &&
        matchesAt(buf, g - GLUE.length + 1, e, GLUE) &&
        t + CLF_TIME_LENGTH < e &&
        buf[t + CLF_TIME_LENGTH] === RBRACKET &&
        this.clf.check(buf, t, t + CLF_TIME_LENGTH)
      ) {
        return true;
      }
      from = g + 1;
    }
  }
}
