import { readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Frame } from './frames.js';

/** A position in a file: 1-based line and column. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Generated files larger than this are not read for a source map (a guard, not a limit users meet). */
const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

interface LoadedMap {
  readonly map: SourceMap;
  /** The generated file's lines, for the first non-blank column of a line. */
  readonly lines: readonly string[];
  /** Original sources as absolute paths, in the map's order. */
  readonly sources: readonly string[];
  /** Embedded original text by source path, when the map carries it. */
  readonly contents: ReadonlyMap<string, string>;
}

const MAPPING_URL = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

/**
 * Maps generated positions (compiled JavaScript, bundles) to the original files and lines through
 * the files' source maps, read from disk with `module.SourceMap`. This works whether or not the
 * program ran with --enable-source-maps, and after it exited. Files without a map, or positions a
 * map does not cover, stay as they are. Each file is read once.
 */
export class SourceMapper {
  private readonly loaded = new Map<string, LoadedMap | null>();

  /** The original position of a generated one. */
  position(file: string, line: number, column: number): Position | undefined {
    const m = this.load(file);
    if (!m || line <= 0) return undefined;
    const col = column > 0 ? column - 1 : firstNonBlank(m.lines[line - 1]);
    const entry = m.map.findEntry(line - 1, col) as Partial<{ generatedLine: number; originalSource: string; originalLine: number; originalColumn: number }>;
    if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
    // findEntry answers with the nearest mapping before the position; one on another line is not this line's.
    if (entry.generatedLine !== line - 1) {
      const again = column > 0 ? (m.map.findEntry(line - 1, firstNonBlank(m.lines[line - 1])) as typeof entry) : entry;
      if (again.generatedLine !== line - 1 || again.originalSource === undefined || again.originalLine === undefined) return undefined;
      return { file: this.sourcePath(m, again.originalSource), line: again.originalLine + 1, column: (again.originalColumn ?? 0) + 1 };
    }
    return { file: this.sourcePath(m, entry.originalSource), line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
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

  private sourcePath(m: LoadedMap, originalSource: string): string {
    const i = m.map.payload.sources.indexOf(originalSource);
    return i >= 0 ? m.sources[i]! : originalSource;
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

function firstNonBlank(text: string | undefined): number {
  if (text === undefined) return 0;
  const i = text.search(/\S/);
  return i < 0 ? 0 : i;
}

/** The map of a generated file, from its last `//# sourceMappingURL=` (a file or a data: URL). */
function readMap(file: string): LoadedMap | null {
  if (!isAbsolute(file)) return null;
  try {
    if (statSync(file).size > MAX_GENERATED_BYTES) return null;
    const text = readFileSync(file, 'utf8');
    const tail = text.slice(Math.max(0, text.length - 4096)).trimEnd();
    const url = MAPPING_URL.exec(tail.slice(tail.lastIndexOf('\n') + 1))?.[1];
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
    return { map: new SourceMap(payload), lines: text.split('\n'), sources, contents };
  } catch {
    return null; // no readable map: positions stay generated ones
  }
}
