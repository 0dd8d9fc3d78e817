import type { LineBatch } from '../core/batch.js';
import { EXIT_INPUT, InputError, UserError } from '../core/errors.js';
import type { Source } from '../core/source.js';
import { detectFormat } from '../formats/detect.js';
import type { LogFormat, RowParser } from '../formats/format.js';
import { resolveFormat } from '../formats/registry.js';
import type { RunContext } from './context.js';

export interface ParseOptions {
  /** A format, a registry name or a format string; omitted = detect per source from its first lines. */
  format?: LogFormat | string;
  /** Fields the rest of the pipeline reads (projection pushdown); null or omitted = all. */
  needed?: ReadonlySet<string> | null;
  /** Told which format each source is read with (detected or forced). */
  onFormat?: (source: Source, format: LogFormat) => void;
}

const DETECTION_SAMPLE = 20;

/**
 * lines -> parse: attaches a parser to each batch and parses its selected rows. Rows that do not
 * match are dropped from the selection and counted (with samples) in the diagnostics; with
 * --strict the first one ends the run with its location.
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

  const stats = ctx.profile.stage('parse');
  return async function* parseStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    let source: Source | null = null;
    let parser: RowParser | null = null;
    let undetectable = false;
    for await (const b of batches) {
      if (b.source !== source) {
        source = b.source;
        undetectable = false;
        const format = forced ?? detectFormat(sampleLines(b));
        if (format) {
          parser = parserFor(format);
          options.onFormat?.(source, format);
        } else {
          parser = null;
          undetectable = true;
          ctx.inputFailed(
            new InputError(source.name, 'cannot tell the log format from the first lines (use --format)'),
          );
        }
      }
      if (undetectable || !parser) continue;
      const t0 = performance.now();
      stats.recordsIn += b.selCount;
      const formatName = parser.format.name;
      b.parser = parser;
      parser.parse(b, (row) => {
        const line = b.lineNumber(row);
        if (ctx.strict) {
          throw new UserError(`${b.source.name}:${line}: line does not match ${formatName}`, EXIT_INPUT);
        }
        ctx.diagnostics.lineMalformed(b.source.name, formatName, line);
      });
      stats.recordsOut += b.selCount;
      stats.ms += performance.now() - t0;
      if (b.selCount > 0) yield b;
    }
  };
}

/** The first non-empty lines of a batch, decoded, for format detection. */
function sampleLines(b: LineBatch): string[] {
  const sample: string[] = [];
  for (let i = 0; i < b.selCount && sample.length < DETECTION_SAMPLE; i++) {
    const row = b.sel[i]!;
    if (b.ends[row]! > b.starts[row]!) sample.push(b.text(row));
  }
  return sample;
}
