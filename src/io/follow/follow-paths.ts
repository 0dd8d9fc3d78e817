import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { InputError } from '../../core/errors.js';
import { expandGlob, looksLikeGlob } from '../expand-glob.js';
import { inspectPath } from '../file-source.js';
import { walkDirectory } from '../walk-directory.js';

/**
 * One thing the user asked to follow, classified once at start: standard input, a FIFO or device
 * (read as a stream), a directory (every file below it, now and later), a glob (every match, now
 * and later), or a path (a file now, or one that does not exist yet and is waited for).
 */
export type FollowSpec =
  | { readonly kind: 'stdin' }
  | { readonly kind: 'stream'; readonly path: string }
  | { readonly kind: 'directory'; readonly path: string }
  | { readonly kind: 'glob'; readonly pattern: string }
  | { readonly kind: 'path'; readonly path: string; readonly missing: boolean };

export async function classifySpec(spec: string): Promise<FollowSpec> {
  if (spec === '-') return { kind: 'stdin' };
  try {
    const st = await stat(spec);
    if (st.isDirectory()) return { kind: 'directory', path: spec };
    if (st.isFIFO() || st.isCharacterDevice()) return { kind: 'stream', path: spec };
    return { kind: 'path', path: spec, missing: false };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && looksLikeGlob(spec)) return { kind: 'glob', pattern: spec };
    return { kind: 'path', path: spec, missing: code === 'ENOENT' || code === 'ENOTDIR' };
  }
}

/**
 * The regular files the file specs lead to now, in the order given (duplicates once). Problems
 * (an unreadable file) go to `onError`; a path or glob that leads nowhere yet is no error: it is
 * waited for.
 */
export async function currentPaths(specs: readonly FollowSpec[], onError: (error: InputError) => void): Promise<string[]> {
  const found: string[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    if (!seen.has(path)) {
      seen.add(path);
      found.push(path);
    }
  };
  for (const spec of specs) {
    switch (spec.kind) {
      case 'stdin':
      case 'stream':
        break;
      case 'path': {
        const got = await inspectPath(spec.path);
        if (got.kind === 'file') add(spec.path);
        else if (got.kind === 'error' && got.code !== 'ENOENT' && got.code !== 'ENOTDIR') onError(got.error);
        break;
      }
      case 'directory':
        for await (const source of walkDirectory(spec.path, onError)) add(source.path!);
        break;
      case 'glob':
        for await (const source of expandGlob(spec.pattern, (e) => (e.reason === 'no files match this pattern' ? undefined : onError(e)))) add(source.path!);
        break;
    }
  }
  return found;
}

/** The directories whose entries decide what the specs lead to: watched for changes. */
export function directoriesToWatch(specs: readonly FollowSpec[]): string[] {
  const dirs = new Set<string>();
  for (const spec of specs) {
    if (spec.kind === 'path') dirs.add(dirname(spec.path));
    else if (spec.kind === 'directory') dirs.add(spec.path);
    else if (spec.kind === 'glob') dirs.add(globBase(spec.pattern));
  }
  return [...dirs];
}

/** The directory part of a glob before its first wildcard (`logs/app.log*` -> `logs`). */
function globBase(pattern: string): string {
  const parts = pattern.split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (looksLikeGlob(part)) break;
    fixed.push(part);
  }
  if (fixed.length === 0) return pattern.startsWith('/') ? '/' : '.';
  return fixed.join('/') || '/';
}
