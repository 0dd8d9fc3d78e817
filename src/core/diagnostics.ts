import type { InputError } from './errors.js';

/** Where a bad line was found. */
export interface LineLocation {
  readonly source: string;
  readonly line: number;
}

interface MalformedTally {
  readonly source: string;
  readonly format: string;
  count: number;
  readonly samples: LineLocation[];
}

/**
 * What went wrong with the data, collected while the run goes on and summarised at the end.
 * Bad lines are counted with a few samples kept; input failures are remembered so the exit code
 * can say so after everything that could be computed was printed.
 */
export class Diagnostics {
  readonly inputErrors: InputError[] = [];
  /** Why a result is incomplete (a limit was reached); the CLI then exits 1. */
  readonly incomplete: string[] = [];
  private readonly malformed = new Map<string, MalformedTally>();
  private readonly longLines = new Map<string, { count: number; first: number; limit: number }>();

  constructor(readonly samplesPerSource = 3) {}

  inputFailed(error: InputError): void {
    this.inputErrors.push(error);
  }

  private readonly warnings: string[] = [];

  /** Something odd about an input that did not stop it being read: said at the end. */
  inputWarning(source: string, message: string): void {
    this.warnings.push(`logsift: ${source}: ${message}`);
  }

  /** A limit cut the result short: said at the end, and the run exits non-zero. */
  resultIncomplete(message: string): void {
    this.incomplete.push(message);
  }

  lineMalformed(source: string, format: string, line: number): void {
    const key = `${source}\u0000${format}`;
    let tally = this.malformed.get(key);
    if (!tally) {
      tally = { source, format, count: 0, samples: [] };
      this.malformed.set(key, tally);
    }
    tally.count++;
    if (tally.samples.length < this.samplesPerSource) tally.samples.push({ source, line });
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

  /** One line per finding, e.g. `89 lines did not match combined (first: access.log:17, :40, :41)`. */
  summary(): string[] {
    const out: string[] = [];
    for (const t of this.malformed.values()) {
      const where = t.samples.map((s, i) => (i === 0 ? `${s.source}:${s.line}` : `:${s.line}`)).join(', ');
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
}
