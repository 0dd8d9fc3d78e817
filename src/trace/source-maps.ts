import { readFileSync, statSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from './frames.js';
import { MappingLines } from './source-map-lines.js';

/** A position in a file: 1-based line and column. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Generated files larger than this are not read for a source map (a guard, not a limit users meet). */
const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

interface LoadedMap {
  /** The map's mappings, each generated line decoded when first asked for. */
  readonly mappings: MappingLines;
  /** The generated file, for the first non-blank column of a line. */
  readonly generated: GeneratedLines;
  /** Original sources as absolute paths, in the map's order. */
  readonly sources: readonly string[];
  /** Embedded original text by source path, when the map carries it. */
  readonly contents: ReadonlyMap<string, string>;
}

const MAPPING_URL = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/**
 * Maps generated positions (compiled JavaScript, bundles) to the original files and lines through
 * the files' source maps, read from disk. This works whether or not the program ran with
 * --enable-source-maps, and after it exited. Files without a map, or positions a map does not
 * cover, stay as they are. Each file is read once; of its map, one light pass indexes the
 * mappings and only the generated lines asked about are decoded (`MappingLines`).
 */
export class SourceMapper {
  private readonly loaded = new Map<string, LoadedMap | null>();

  /** The original position of a generated one. */
  position(file: string, line: number, column: number): Position | undefined {
    const m = this.load(file);
    if (!m || line <= 0) return undefined;
    const line0 = line - 1;
    // Column 0 means "no column": the line's code starts at its first non-blank column.
    const col = column > 0 ? column - 1 : m.generated.firstNonBlank(line0);
    // The answers SourceMapper gave over node's SourceMap.findEntry, which names the last segment
    // at or before the position, on this line or an earlier one. A segment of this line answers
    // (without a source, it maps the position to nothing). Before the line's first segment (in its
    // indentation, say) findEntry named an earlier line's, which was rejected but, when it had a
    // source, the position was retried at the line's first non-blank column.
    let entry = m.mappings.segmentAt(line0, col);
    if (entry === undefined && column > 0 && m.mappings.sourcedBefore(line0)) {
      entry = m.mappings.entryAt(line0, m.generated.firstNonBlank(line0));
    }
    if (!entry) return undefined;
    return { file: this.sourcePath(m, entry.originalSource), line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }

  /** The frame at its original place (the function's name is kept: maps rarely rename). */
  frame(f: Frame): Frame {
    if (f.file === '' || f.line <= 0) return f;
    const p = this.position(f.file, f.line, f.column);
    return p ? { function: f.function, file: p.file, line: p.line, column: p.column } : f;
  }

  /** The original text a map embeds for a source (`sourcesContent`), if any. */
  embeddedText(source: string): string | undefined {
    for (const m of this.loaded.values()) {
      const text = m?.contents.get(source);
      if (text !== undefined) return text;
    }
    return undefined;
  }

  /** A source by its index in the map (MappingLines answers only indexes within `sources`). */
  private sourcePath(m: LoadedMap, originalSource: number): string {
    return m.sources[originalSource]!;
  }

  private load(file: string): LoadedMap | null {
    let m = this.loaded.get(file);
    if (m === undefined) {
      m = readMap(file);
      this.loaded.set(file, m);
    }
    return m;
  }
}

/**
 * The generated file's text, split into lines only when a first non-blank column is first needed
 * (a column-0 position, or one before its line's first segment): most reports never need it.
 */
class GeneratedLines {
  private lines: readonly string[] | undefined;

  constructor(private text: string) {}

  /** The first non-blank column of a 0-based line (0 for a blank line, or one past the end). */
  firstNonBlank(line0: number): number {
    if (this.lines === undefined) {
      this.lines = this.text.split('\n');
      this.text = ''; // the lines hold it now
    }
    const text = this.lines[line0];
    if (text === undefined) return 0;
    const i = text.search(/\S/);
    return i < 0 ? 0 : i;
  }
}

/** The map of a generated file, from its last `//# sourceMappingURL=` (a file or a data: URL). */
function readMap(file: string): LoadedMap | null {
  if (!isAbsolute(file)) return null;
  try {
    if (statSync(file).size > MAX_GENERATED_BYTES) return null;
    const text = readFileSync(file, 'utf8');
    // The comment is the file's last line, whatever its length (an inline data: URL is long).
    const end = text.trimEnd().length;
    const url = MAPPING_URL.exec(text.slice(text.lastIndexOf('\n', end - 1) + 1, end))?.[1];
    if (url === undefined) return null;
    let payload: SourceMapPayload;
    let base: string;
    if (url.startsWith('data:')) {
      const comma = url.indexOf(',');
      const body = url.slice(comma + 1);
      payload = JSON.parse(url.slice(0, comma).endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body));
      base = dirname(file);
    } else {
      const mapFile = url.startsWith('file:') ? fileURLToPath(url) : resolve(dirname(file), decodeURIComponent(url));
      payload = JSON.parse(readFileSync(mapFile, 'utf8'));
      base = dirname(mapFile);
    }
    const root = payload.sourceRoot ?? '';
    const sources = payload.sources.map((s) => (s.startsWith('file:') ? fileURLToPath(s) : resolve(base, root, s)));
    const contents = new Map<string, string>();
    const embedded = (payload as { sourcesContent?: (string | null)[] }).sourcesContent ?? [];
    embedded.forEach((c, i) => {
      if (typeof c === 'string' && sources[i] !== undefined) contents.set(sources[i]!, c);
    });
    if (typeof payload.mappings !== 'string') return null;
    return { mappings: new MappingLines(payload.mappings, sources.length), generated: new GeneratedLines(text), sources, contents };
  } catch {
    return null; // no readable map: positions stay generated ones
  }
}
