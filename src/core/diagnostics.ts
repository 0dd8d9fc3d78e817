import { InputError, type OffsetKind } from './errors.js';

/** Where a bad line was found. */
export interface LineLocation {
  readonly source: string;
  readonly line: number;
}

interface MalformedTally {
  readonly source: string;
  readonly format: string;
  count: number;
  readonly samples: number[];
}

/**
 * What a parser can say about a line beyond "it does not match": `glued`, two access-log lines
 * run together (a lost line break: a second `host - - [time]` inside the first's request or
 * agent), counted as malformed too; `quote` and `spaces`, a request read as written but
 * repaired (an unescaped quote inside it; several spaces before the protocol, which url and path
 * do not keep).
 */
export type LineNote = 'glued' | 'quote' | 'spaces';

interface NoteTally {
  readonly source: string;
  readonly format: string;
  readonly note: LineNote;
  count: number;
  readonly samples: number[];
}

/** Lines of a source read with a forced format, to tell "matched nothing" (see settleForcedFormats). */
interface ForcedTally {
  readonly source: string;
  readonly format: string;
  lines: number;
  /** The format detection picks from the source's lines, when they matched nothing. */
  looksLike: string | null;
}

interface LongLineTally {
  count: number;
  first: number;
  readonly limit: number;
}

/**
 * Diagnostics as plain data, for a partial result shipped from a worker thread (or later another
 * machine). Line numbers are those of the pass that found them: relative to the start of its
 * byte range when it read one.
 */
export interface DiagnosticsData {
  readonly inputErrors: readonly { source: string; reason: string; offset?: number; offsetKind: OffsetKind }[];
  readonly incomplete: readonly string[];
  readonly warnings: readonly string[];
  readonly malformed: readonly { source: string; format: string; count: number; samples: readonly number[] }[];
  readonly longLines: readonly { source: string; count: number; first: number; limit: number }[];
  readonly notes: readonly { source: string; format: string; note: LineNote; count: number; samples: readonly number[] }[];
  readonly forced: readonly { source: string; format: string; lines: number; looksLike: string | null }[];
}

/**
 * What went wrong with the data, collected while the run goes on and summarised at the end.
 * Bad lines are counted with a few samples kept; input failures are remembered so the exit code
 * can say so after everything that could be computed was printed. Mergeable: the diagnostics of
 * a split input add up to those of one pass (see mergeData).
 */
export class Diagnostics {
  readonly inputErrors: InputError[] = [];
  /** Why a result is incomplete (a limit was reached); the CLI then exits 1. */
  readonly incomplete: string[] = [];
  private readonly warnings: string[] = [];
  private readonly malformed = new Map<string, MalformedTally>();
  private readonly longLines = new Map<string, LongLineTally>();
  private readonly notes = new Map<string, NoteTally>();
  private readonly forced = new Map<string, ForcedTally>();

  constructor(readonly samplesPerSource = 3) {}

  inputFailed(error: InputError): void {
    this.inputErrors.push(error);
  }

  /** Something odd about an input that did not stop it being read: said at the end, once. */
  inputWarning(source: string, message: string): void {
    this.warn(`logsift: ${source}: ${message}`);
  }

  /** A message for the end of the run, said once however often it is raised. */
  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** A limit cut the result short: said at the end, and the run exits non-zero. */
  resultIncomplete(message: string): void {
    if (!this.incomplete.includes(message)) this.incomplete.push(message);
  }

  lineMalformed(source: string, format: string, line: number): void {
    const tally = this.tally(source, format);
    tally.count++;
    if (tally.samples.length < this.samplesPerSource) tally.samples.push(line);
  }

  /** A line with a note (a glued line is also counted by lineMalformed). */
  lineNoted(source: string, format: string, line: number, note: LineNote): void {
    const key = `${source}\u0000${format}\u0000${note}`;
    let tally = this.notes.get(key);
    if (!tally) this.notes.set(key, (tally = { source, format, note, count: 0, samples: [] }));
    tally.count++;
    if (tally.samples.length < this.samplesPerSource) tally.samples.push(line);
  }

  /** `lines` more non-blank lines of the source went to the format the user forced. */
  forcedLines(source: string, format: string, lines: number, looksLike: string | null = null): void {
    const key = `${source}\u0000${format}`;
    const tally = this.forced.get(key);
    if (tally) {
      tally.lines += lines;
      tally.looksLike ??= looksLike;
    } else this.forced.set(key, { source, format, lines, looksLike });
  }

  /**
   * The rule for a forced format that matches nothing (issue 8): a source of which not one
   * non-blank line matched the format the user forced is an input error, "0 of 10000 lines
   * matched common; the file looks like combined" (the hint when detection picks another format
   * from its lines), in place of its malformed-lines summary. Call once, after every part is
   * merged; returns the errors it added, to be reported.
   */
  settleForcedFormats(): InputError[] {
    const added: InputError[] = [];
    for (const [key, t] of this.forced) {
      const malformed = this.malformed.get(key);
      if (t.lines === 0 || malformed === undefined || malformed.count < t.lines) continue;
      this.malformed.delete(key);
      this.lastTally = null;
      const hint = t.looksLike !== null && t.looksLike !== t.format ? `; the file looks like ${t.looksLike}` : '';
      const error = new InputError(t.source, `0 of ${t.lines} line${t.lines === 1 ? '' : 's'} matched ${t.format}${hint}`);
      this.inputFailed(error);
      added.push(error);
    }
    this.forced.clear();
    return added;
  }

  lineTooLong(source: string, line: number, limit: number): void {
    const tally = this.longLines.get(source);
    if (tally) tally.count++;
    else this.longLines.set(source, { count: 1, first: line, limit });
  }

  get malformedTotal(): number {
    let n = 0;
    for (const t of this.malformed.values()) n += t.count;
    return n;
  }

  get longLinesTotal(): number {
    let n = 0;
    for (const t of this.longLines.values()) n += t.count;
    return n;
  }

  /** Everything found, as plain data. */
  toData(): DiagnosticsData {
    return {
      inputErrors: this.inputErrors.map((e) => ({
        source: e.source,
        reason: e.reason,
        ...(e.offset !== undefined ? { offset: e.offset } : {}),
        offsetKind: e.offsetKind,
      })),
      incomplete: [...this.incomplete],
      warnings: [...this.warnings],
      malformed: [...this.malformed.values()].map((t) => ({ ...t, samples: [...t.samples] })),
      longLines: [...this.longLines].map(([source, t]) => ({ source, ...t })),
      notes: [...this.notes.values()].map((t) => ({ ...t, samples: [...t.samples] })),
      forced: [...this.forced.values()].map((t) => ({ ...t })),
    };
  }

  /**
   * Adds the diagnostics of a later part of the input. `lineOffset(source)` is the number of
   * lines of that source before the part (0 unless the part was a byte range), added to its line
   * numbers. Parts must be merged in input order for the samples to be the first ones.
   */
  mergeData(data: DiagnosticsData, lineOffset: (source: string) => number = () => 0): void {
    for (const e of data.inputErrors) this.inputFailed(new InputError(e.source, e.reason, e.offset, e.offsetKind));
    for (const m of data.incomplete) this.resultIncomplete(m);
    for (const w of data.warnings) this.warn(w);
    for (const m of data.malformed) {
      const tally = this.tally(m.source, m.format);
      tally.count += m.count;
      const offset = lineOffset(m.source);
      for (const line of m.samples) if (tally.samples.length < this.samplesPerSource) tally.samples.push(line + offset);
    }
    for (const n of data.notes) {
      const offset = lineOffset(n.source);
      const key = `${n.source}\u0000${n.format}\u0000${n.note}`;
      let tally = this.notes.get(key);
      if (!tally) this.notes.set(key, (tally = { source: n.source, format: n.format, note: n.note, count: 0, samples: [] }));
      tally.count += n.count;
      for (const line of n.samples) if (tally.samples.length < this.samplesPerSource) tally.samples.push(line + offset);
    }
    for (const f of data.forced) this.forcedLines(f.source, f.format, f.lines, f.looksLike);
    for (const l of data.longLines) {
      const offset = lineOffset(l.source);
      const tally = this.longLines.get(l.source);
      if (tally) tally.count += l.count;
      else this.longLines.set(l.source, { count: l.count, first: l.first + offset, limit: l.limit });
    }
  }

  /**
   * One line per finding, e.g. `89 lines did not match combined (first: access.log:17, :40, :41)`,
   * with glued lines named after it (`, 2 of them two requests glued together (first: ...)`), and
   * per file the requests repaired (`13 lines were repaired in xaa (common): 13 with several
   * spaces before the protocol (first: xaa:87, :1029, :3001)`).
   */
  summary(): string[] {
    const out: string[] = [];
    const where = (source: string, samples: readonly number[]): string =>
      samples.map((line, i) => (i === 0 ? `${source}:${line}` : `:${line}`)).join(', ');
    for (const t of this.malformed.values()) {
      const glued = this.notes.get(`${t.source}\u0000${t.format}\u0000glued`);
      const also = glued ? `, ${glued.count} of them two requests glued together (a lost line break; first: ${where(t.source, glued.samples)})` : '';
      out.push(`${t.count} line${t.count === 1 ? '' : 's'} did not match ${t.format} (first: ${where(t.source, t.samples)})${also}`);
    }
    const repaired = new Map<string, NoteTally[]>();
    for (const t of this.notes.values()) {
      if (t.note === 'glued') continue;
      const key = `${t.source}\u0000${t.format}`;
      repaired.set(key, [...(repaired.get(key) ?? []), t]);
    }
    for (const tallies of repaired.values()) {
      const { source, format } = tallies[0]!;
      const total = tallies.reduce((n, t) => n + t.count, 0);
      const parts = tallies.map((t) => `${t.count} with ${NOTE_TEXT[t.note]} (first: ${where(source, t.samples)})`);
      out.push(`${total} line${total === 1 ? ' was' : 's were'} repaired in ${source} (${format}): ${parts.join(', ')}`);
    }
    out.push(...this.warnings, ...this.incomplete);
    for (const [source, t] of this.longLines) {
      out.push(
        `${t.count} line${t.count === 1 ? ' was' : 's were'} longer than ${t.limit} bytes and cut (first: ${source}:${t.first})`,
      );
    }
    return out;
  }

  /** The tally of a source and format; the last one is kept at hand (bad lines come in runs). */
  private tally(source: string, format: string): MalformedTally {
    const last = this.lastTally;
    if (last !== null && last.source === source && last.format === format) return last;
    const key = `${source}\u0000${format}`;
    let tally = this.malformed.get(key);
    if (!tally) {
      tally = { source, format, count: 0, samples: [] };
      this.malformed.set(key, tally);
    }
    this.lastTally = tally;
    return tally;
  }

  private lastTally: MalformedTally | null = null;
}

/** How a note reads in messages (`two requests glued together`). */
export function noteText(note: LineNote): string {
  return NOTE_TEXT[note];
}

const NOTE_TEXT: Readonly<Record<LineNote, string>> = {
  glued: 'two requests glued together',
  quote: 'an unescaped quote inside the request',
  spaces: 'several spaces before the protocol',
};
