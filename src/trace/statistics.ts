import { frameKey, type Frame } from './frames.js';
import type { FileTest } from './file-patterns.js';
import { chooseSite } from './site.js';
import type { Trace } from './trace.js';

/**
 * How statistics group traces, as tracemalloc's `key_type`: by site (`'lineno'`: the function of
 * the program's own code with its file and line, split by `via`), by file (`'filename'`), or by the
 * whole stack of the program's own frames (`'traceback'`).
 */
export type StatisticKey = 'lineno' | 'filename' | 'traceback';

export const STATISTIC_KEYS: readonly StatisticKey[] = ['lineno', 'filename', 'traceback'];

export interface Statistic {
  readonly function: string;
  readonly file: string;
  /** Where the function starts (heap samples know functions, not lines); 0 for `'filename'`. */
  readonly line: number;
  /** The builtin or library call that allocated on the site's behalf (`split`, `Buffer.alloc`). */
  readonly via?: string;
  /** Estimated bytes live. */
  readonly size: number;
  /** Estimated allocations live. */
  readonly count: number;
  /** Of `size`, the bytes outside V8's heap (Buffer contents). */
  readonly offHeap: number;
  /** The program's own frames, innermost first: the whole group for `'traceback'`, its largest stack otherwise. */
  readonly traceback: readonly Frame[];
}

export interface StatisticDiff extends Statistic {
  readonly sizeDiff: number;
  readonly countDiff: number;
}

interface Group {
  function: string;
  file: string;
  line: number;
  via: string | undefined;
  size: number;
  count: number;
  offHeap: number;
  largest: number;
  traceback: readonly Frame[];
}

/** The traces grouped by `key`; traces without a visible frame belong to no group. */
export function groupTraces(traces: readonly Trace[], key: StatisticKey, visible: FileTest): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const t of traces) {
    const site = chooseSite(t.frames, visible);
    if (!site) continue;
    const own = t.frames.slice(site.index).filter((f) => visible(f.file));
    const at = t.frames[site.index]!;
    const via = key === 'filename' ? undefined : site.via;
    const id =
      key === 'filename' ? at.file : `${key === 'lineno' ? frameKey(at) : own.map(frameKey).join('\n')}\u0001${via ?? ''}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        function: key === 'filename' ? '' : at.function,
        file: at.file,
        line: key === 'filename' ? 0 : at.line,
        via,
        size: 0,
        count: 0,
        offHeap: 0,
        largest: -1,
        traceback: own,
      };
      groups.set(id, g);
    }
    g.size += t.size;
    g.count += t.count;
    if (t.offHeap) g.offHeap += t.size;
    if (t.size > g.largest) {
      g.largest = t.size;
      g.traceback = key === 'filename' ? [{ function: '', file: at.file, line: 0, column: 0 }] : own;
    }
  }
  return groups;
}

function statisticOf(g: Group): Statistic {
  return {
    function: g.function,
    file: g.file,
    line: g.line,
    ...(g.via !== undefined ? { via: g.via } : {}),
    size: Math.round(g.size),
    count: Math.round(g.count),
    offHeap: Math.round(g.offHeap),
    traceback: g.traceback,
  };
}

/** Largest first; ties by count, then by place, so the order never depends on the input's. */
function bySize(a: Statistic, b: Statistic): number {
  return b.size - a.size || b.count - a.count || placeOrder(a, b);
}

function placeOrder(a: Statistic, b: Statistic): number {
  return byCodePoint(a.file, b.file) || a.line - b.line || byCodePoint(a.function, b.function) || byCodePoint(a.via ?? '', b.via ?? '');
}

/** Plain code-point order: as deterministic as localeCompare and much cheaper (sites tie often). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function statisticsOf(traces: readonly Trace[], key: StatisticKey, visible: FileTest): Statistic[] {
  return [...groupTraces(traces, key, visible).values()].map(statisticOf).sort(bySize);
}

/**
 * What changed from `old` to `now`, group by group, largest change first (by |sizeDiff|). A group
 * that disappeared shows size 0 and a negative difference.
 */
export function diffTraces(now: readonly Trace[], old: readonly Trace[], key: StatisticKey, visible: FileTest): StatisticDiff[] {
  const a = groupTraces(now, key, visible);
  const b = groupTraces(old, key, visible);
  const diffs: StatisticDiff[] = [];
  for (const [id, g] of a) {
    const before = b.get(id);
    const s = statisticOf(g);
    diffs.push({ ...s, sizeDiff: s.size - Math.round(before?.size ?? 0), countDiff: s.count - Math.round(before?.count ?? 0) });
  }
  for (const [id, g] of b) {
    if (a.has(id)) continue;
    const s = statisticOf(g);
    diffs.push({ ...s, size: 0, count: 0, offHeap: 0, sizeDiff: -s.size, countDiff: -s.count });
  }
  return diffs.sort((x, y) => Math.abs(y.sizeDiff) - Math.abs(x.sizeDiff) || y.size - x.size || placeOrder(x, y));
}
