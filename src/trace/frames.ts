import { fileURLToPath } from 'node:url';

/**
 * One frame of a stack, as the trace layer shows it everywhere (heap samples, Buffer samples, CPU
 * profiles, dumped snapshots). Positions are 1-based; 0 means unknown (V8 builtins have none).
 *
 * For heap samples `line` is where the *function* starts: V8's sampling heap profiler keys its
 * nodes by the function's start position, so it cannot tell two lines of one function apart.
 */
export interface Frame {
  readonly function: string;
  /** A path for files on disk; otherwise what V8 gives (`node:fs`, `evalmachine.<anonymous>`); '' for builtins. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A V8 inspector call frame (Profiler and HeapProfiler domains): 0-based positions, -1 unknown. */
export interface V8CallFrame {
  readonly functionName: string;
  readonly scriptId: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export const ANONYMOUS = '(anonymous)';

/** A path for `file:` URLs (what people type and editors open); other names stay as they are. */
export function fileOfUrl(url: string): string {
  if (!url.startsWith('file:')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

export function frameOfCallFrame(cf: V8CallFrame): Frame {
  return {
    function: cf.functionName || ANONYMOUS,
    file: fileOfUrl(cf.url),
    line: cf.lineNumber >= 0 ? cf.lineNumber + 1 : 0,
    column: cf.columnNumber >= 0 ? cf.columnNumber + 1 : 0,
  };
}

/** A key that tells frames apart in maps: the column is left out, as sites are per function line. */
export function frameKey(f: Frame): string {
  return `${f.function}\u0000${f.file}\u0000${f.line}`;
}

/** The Buffer statics whose names read better with their class: `Buffer.alloc`, not `alloc`. */
const BUFFER_STATICS = new Set(['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat', 'copyBytesFrom']);

/**
 * How a hidden frame is named when it allocated on behalf of a site (`via`): builtins by their
 * name (`split`, `parse`), public Node modules with their module (`fs.readFileSync`), the Buffer
 * statics as `Buffer.alloc`.
 */
export function viaName(f: Frame): string {
  if (f.file === 'node:buffer' && BUFFER_STATICS.has(f.function)) return `Buffer.${f.function}`;
  const publicModule = /^node:(?!internal\/)([\w/]+)$/.exec(f.file);
  if (publicModule) return `${publicModule[1]}.${f.function}`;
  return f.function;
}

/** `file:line function` for people, with paths under `cwd` made relative. */
export function describeFrame(f: Pick<Frame, 'function' | 'file' | 'line'>, cwd = process.cwd()): string {
  if (f.file === '') return f.function.startsWith('(') ? f.function : `${f.function} (builtin)`;
  const where = f.line > 0 ? `${displayFile(f.file, cwd)}:${f.line}` : displayFile(f.file, cwd);
  return f.function === '' ? where : `${where} ${f.function}`;
}

/** A file name for people: relative to `cwd` when it lies under it. */
export function displayFile(file: string, cwd = process.cwd()): string {
  const base = cwd.endsWith('/') ? cwd : `${cwd}/`;
  return file.startsWith(base) ? file.slice(base.length) : file;
}
