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
    for (const l of data.longLines) {
      const offset = lineOffset(l.source);
      const tally = this.longLines.get(l.source);
      if (tally) tally.count += l.count;
      else this.longLines.set(l.source, { count: l.count, first: l.first + offset, limit: l.limit });
    }
  }

  /** One line per finding, e.g. `89 lines did not match combined (first: access.log:17, :40, :41)`. */
  summary(): string[] {
    const out: string[] = [];
    for (const t of this.malformed.values()) {
      const where = t.samples.map((line, i) => (i === 0 ? `${t.source}:${line}` : `:${line}`)).join(', ');
      out.push(`${t.count} line${t.count === 1 ? '' : 's'} did not match ${t.format} (first: ${where})`);
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
