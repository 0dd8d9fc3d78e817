import { readFileSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { SourceMapper } from './source-maps.js';

/** Sources larger than this are not read for their lines (a guard against reading a data file). */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

/** Lines shown are cut to this many characters (minified code has very long lines). */
const MAX_LINE_CHARS = 160;

/**
 * The text of source lines, for line_profiler-style output: from disk, or from the source map
 * that led to the file when it embeds the original. Each file is read once.
 */
export class SourceText {
  private readonly files = new Map<string, readonly string[] | null>();

  constructor(private readonly maps?: SourceMapper) {}

  /** Line `line` (1-based) of `file`, trimmed, or '' when it cannot be read. */
  line(file: string, line: number): string {
    const lines = this.linesOf(file);
    const text = lines?.[line - 1]?.trim() ?? '';
    return text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS - 1)}…` : text;
  }

  private linesOf(file: string): readonly string[] | null {
    let lines = this.files.get(file);
    if (lines === undefined) {
      lines = read(file) ?? this.maps?.embeddedText(file)?.split('\n') ?? null;
      this.files.set(file, lines);
    }
    return lines;
  }
}

function read(file: string): string[] | null {
  if (!isAbsolute(file)) return null;
  try {
    if (statSync(file).size > MAX_SOURCE_BYTES) return null;
    return readFileSync(file, 'utf8').split('\n');
  } catch {
    return null;
  }
}
