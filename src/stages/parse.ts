import { LineBatch } from '../core/batch.js';
import { noteText } from '../core/diagnostics.js';
import { InputError, StrictError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import { DETECTION_SAMPLE, detectFormat } from '../formats/detect.js';
import type { LogFormat, RowParser } from '../core/format.js';
import { resolveFormat } from '../formats/registry.js';
import { RunContext } from '../core/run-context.js';
import { cat, open } from '../io/cat.js';
import { lines, splitLines } from '../io/lines.js';
import { fromList } from './pipe.js';

export interface ParseOptions {
  /** A format, a registry name or a format string; omitted = detect per source from its first lines. */
  format?: LogFormat | string;
  /** Fields the rest of the pipeline reads (projection pushdown); null or omitted = all. */
  needed?: ReadonlySet<string> | null;
  /** The format of a source known in advance (a byte range of a file detected up front), else undefined. */
  formatFor?: (source: Source) => LogFormat | undefined;
  /** Told which format each source is read with (detected or forced). */
  onFormat?: (source: Source, format: LogFormat) => void;
  /** Told each malformed line (`--malformed FILE`), while its batch is valid. */
  onMalformedLine?: (b: LineBatch, row: number) => void;
}

/**
 * Bytes of a source held back while too few lines are known to detect its format. A pipe may
 * deliver one line at a time; a file may start with kilobytes of blank lines. Past this the
 * format is decided on the lines there are.
 */
const DETECTION_HOLD_BYTES = 8 * 1024 * 1024;

/**
 * lines -> parse: attaches a parser to each batch and parses its selected rows. Blank lines are
 * skipped (they are nobody's record). Rows that do not match are dropped from the selection and
 * counted (with samples) in the diagnostics; with --strict the first one ends the run with its
 * location.
 *
 * Detection looks at the first DETECTION_SAMPLE non-blank lines of each source, however they
 * arrive: batches are held back until that many are known (or the source ends), so a file, its
 * .gz and the same bytes on a pipe are always read with the same format.
 */
export function parse(ctx: RunContext, options: ParseOptions = {}) {
  const forced = typeof options.format === 'string' ? resolveFormat(options.format) : options.format;
  const needed = options.needed ?? null;
  const parsers = new Map<LogFormat, RowParser>();
  const parserFor = (format: LogFormat): RowParser => {
    let parser = parsers.get(format);
    if (!parser) {
      parser = format.parser(needed);
      parsers.set(format, parser);
    }
    return parser;
  };
  // Held batches must own their bytes when the reader recycles its buffers.
  const keep = (b: LineBatch): LineBatch => (ctx.options.reuseBuffers ? copyBatch(b) : b);

  const stats = ctx.meters.stage('parse');
  const onMalformedLine = options.onMalformedLine;
  // A forced format is watched per source for matching nothing at all (Diagnostics.settleForcedFormats).
  let forcedSample: string[] = [];
  let forcedMatched = 0;
  const parseBatch = (b: LineBatch, parser: RowParser): void => {
    stats.begin(b.selCount);
    const formatName = parser.format.name;
    const source = b.source.name;
    const isForced = parser.format === forced;
    if (isForced) {
      ctx.diagnostics.forcedLines(source, formatName, b.selCount);
      if (forcedMatched === 0) addSample(b, forcedSample);
    }
    b.parser = parser;
    parser.parse(
      b,
      (row, note) => {
        const line = b.lineNumber(row);
        if (ctx.strict) throw new StrictError(source, line, formatName, note && `${noteText(note)} in one line, a lost line break`);
        ctx.diagnostics.lineMalformed(source, formatName, line);
        if (note) ctx.diagnostics.lineNoted(source, formatName, line, note);
        onMalformedLine?.(b, row);
      },
      (row, note) => {
        const line = b.lineNumber(row);
        if (ctx.strict) throw new StrictError(source, line, formatName, `request repaired: ${noteText(note)}`);
        ctx.diagnostics.lineNoted(source, formatName, line, note);
      },
    );
    if (isForced) forcedMatched += b.selCount;
    stats.end(b.selCount);
  };
  /** At a forced source's end: when nothing matched, what detection makes of its first lines. */
  const endForced = (source: Source | null): void => {
    if (forced && source && forcedMatched === 0 && forcedSample.length > 0) {
      const looks = detectFormat(forcedSample);
      ctx.diagnostics.forcedLines(source.name, forced.name, 0, looks?.name ?? null);
    }
    forcedSample = [];
    forcedMatched = 0;
  };

  return async function* parseStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    let source: Source | null = null;
    let parser: RowParser | null = null;
    let detecting = false;
    let held: LineBatch[] = [];
    let heldBytes = 0;
    let sample: string[] = [];

    /** Decides the held source's format from its sample; null when it has no data lines at all. */
    const decide = (): RowParser | null => {
      detecting = false;
      if (sample.length === 0) return null; // only blank lines: nothing to read, nothing wrong
      const format = detectFormat(sample);
      if (!format) {
        ctx.inputFailed(new InputError(source!.name, 'cannot tell the log format from the first lines (use --format)'));
        return null;
      }
      options.onFormat?.(source!, format);
      return parserFor(format);
    };
    /** Parses and hands on the held batches, in order. */
    function* release(): Generator<LineBatch> {
      const pending = held;
      held = [];
      heldBytes = 0;
      sample = [];
      if (!parser) return;
      for (const b of pending) {
        parseBatch(b, parser);
        if (b.selCount > 0) yield b;
      }
    }

    for await (const b of batches) {
      if (b.source !== source) {
        endForced(source);
        if (detecting) {
          parser = decide();
          yield* release();
        }
        source = b.source;
        const known = forced ?? options.formatFor?.(source);
        if (known) {
          parser = parserFor(known);
          options.onFormat?.(source, known);
        } else {
          parser = null;
          detecting = true;
        }
      }
      dropBlankLines(b);
      if (b.selCount === 0) continue;
      if (detecting) {
        addSample(b, sample);
        held.push(keep(b));
        heldBytes += b.buf.length;
        if (sample.length < DETECTION_SAMPLE && heldBytes < DETECTION_HOLD_BYTES) continue;
        parser = decide();
        yield* release();
        continue;
      }
      if (!parser) continue; // undetectable: reported once, its lines skipped
      parseBatch(b, parser);
      if (b.selCount > 0) yield b;
    }
    if (detecting) {
      parser = decide();
      yield* release();
    }
    endForced(source);
  };
}

/**
 * The format of a source, detected from its first lines exactly as the parse stage would (the
 * same sample, blank lines skipped), by reading only as far as that needs. For a file that will be
 * read in byte ranges by several workers: a range past the first cannot see the file's start.
 */
export async function detectSourceFormat(source: Source, maxLineLength: number): Promise<LogFormat | null> {
  const ctx = new RunContext({ maxLineLength, reuseBuffers: false });
  const sample: string[] = [];
  let held = 0;
  for await (const b of lines(ctx)(cat(ctx)(open(ctx)(fromList([source]))))) {
    dropBlankLines(b);
    addSample(b, sample);
    held += b.buf.length;
    if (sample.length >= DETECTION_SAMPLE || held >= DETECTION_HOLD_BYTES) break;
  }
  return sample.length === 0 ? null : detectFormat(sample);
}

/**
 * The format of a file detected from its first bytes (follow mode reads them before any line
 * goes on), with the parse stage's sample: the first non-blank whole lines; a last line without
 * its newline may be cut and is left out.
 */
export function detectHeadFormat(source: Source, head: Buffer, maxLineLength: number): LogFormat | null {
  const whole = head.lastIndexOf(0x0a) + 1;
  if (whole === 0) return null;
  const b = splitLines(source, head.subarray(0, whole), 1, maxLineLength, () => {});
  dropBlankLines(b);
  const sample: string[] = [];
  addSample(b, sample);
  return sample.length === 0 ? null : detectFormat(sample);
}

/** Removes empty and whitespace-only lines from the selection. */
function dropBlankLines(b: LineBatch): void {
  const { buf, starts, ends, sel } = b;
  const n = b.selCount;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const row = sel[i]!;
    let p = starts[row]!;
    const end = ends[row]!;
    while (p < end && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
    if (p < end) sel[out++] = row;
  }
  b.selCount = out;
}

/** Adds the batch's selected lines, decoded, to the detection sample (up to DETECTION_SAMPLE). */
function addSample(b: LineBatch, sample: string[]): void {
  for (let i = 0; i < b.selCount && sample.length < DETECTION_SAMPLE; i++) sample.push(b.text(b.sel[i]!));
}

/** The batch with its own copy of its bytes and offsets (the splitter reuses both when buffers are recycled). */
function copyBatch(b: LineBatch): LineBatch {
  const copy = new LineBatch(b.source, Buffer.from(b.buf), b.starts.slice(0, b.count), b.ends.slice(0, b.count), b.sel.slice(0, b.count), b.firstLine);
  copy.count = b.count;
  copy.selCount = b.selCount;
  return copy;
}
