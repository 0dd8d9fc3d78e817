import type { StatisticDiff } from '../trace/index.js';
import type { MemoryReport } from './memory.js';
import type { TrendFit, TrendSample } from './trend-fit.js';

/** The JSON bodies of the inspector's answers: what the client and the text tables read. */

export interface MemoryFigures {
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

export interface SnapshotAnswer {
  readonly key: string;
  readonly takenAt: string;
  /** Memory right after the collection that preceded the snapshot. */
  readonly memory: MemoryFigures;
  /** Keys dropped to keep the store within its bound. */
  readonly dropped: readonly string[];
  readonly stored: number;
  readonly limit: number;
}

export interface SiteDiff {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly size: number;
  readonly sizeDiff: number;
  readonly count: number;
  readonly countDiff: number;
}

export interface CompareAnswer {
  readonly key: string;
  readonly since: string;
  readonly takenAt: string;
  readonly diffs: readonly SiteDiff[];
  readonly heapUsedDiff: number;
  readonly externalDiff: number;
  readonly arrayBuffersDiff: number;
  readonly rssDiff: number;
}

export interface DeleteAnswer {
  readonly key: string;
  readonly deleted: true;
  readonly stored: number;
}

export interface TrendAnswer extends TrendFit {
  readonly intervalSeconds: number;
  readonly history: readonly TrendSample[];
}

export type { MemoryReport };

/**
 * The trace library's diffs by site, with the groups it keeps apart by `via` (the builtin that
 * allocated: `buffer.toString`, `push`) added together: whether V8 inlined the builtin decides
 * which group a sample lands in, and a leak hunter asks which line of theirs holds the memory.
 * Largest change first (by |sizeDiff|).
 */
export function sitesOf(diffs: readonly StatisticDiff[]): SiteDiff[] {
  const sites = new Map<string, { function: string; file: string; line: number; size: number; sizeDiff: number; count: number; countDiff: number }>();
  for (const d of diffs) {
    const id = `${d.file}\u0001${d.line}\u0001${d.function}`;
    const s = sites.get(id);
    if (s) {
      s.size += d.size;
      s.sizeDiff += d.sizeDiff;
      s.count += d.count;
      s.countDiff += d.countDiff;
    } else {
      sites.set(id, { function: d.function, file: d.file, line: d.line, size: d.size, sizeDiff: d.sizeDiff, count: d.count, countDiff: d.countDiff });
    }
  }
  return [...sites.values()].sort((a, b) => Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) || a.file.localeCompare(b.file) || a.line - b.line);
}
