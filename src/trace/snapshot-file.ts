import type { Frame } from './frames.js';
import { TraceFileError } from './errors.js';
import type { Trace } from './trace.js';

/**
 * The dumped snapshot, a documented JSON format (README, "logsift/trace"):
 *
 *   { "format": "logsift-trace-snapshot", "version": 1,
 *     "takenAt": "2026-01-02T03:04:05.678Z", "interval": 32768, "precise": false,
 *     "memory": { "heapUsed": 1234, "external": 56, "arrayBuffers": 12, "rss": 7890 },
 *     "filters": [ { "include": [], "exclude": ["node:*", "/x/logsift/dist"] } ],
 *     "frames": [ { "function": "parse", "file": "/app/parse.js", "line": 12, "column": 16 }, ... ],
 *     "traces": [ { "frames": [3, 0], "size": 65536, "count": 2048, "offHeap": false }, ... ] }
 *
 * Frames are stored once and referred to by index; a trace's frames are innermost first. Sizes
 * are estimated bytes, counts estimated allocations (see sample-weight.ts). Patterns that were
 * RegExps are written `/source/flags`.
 */
export const SNAPSHOT_FORMAT = 'logsift-trace-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotMemory {
  /** Heap used right after the collection that preceded the snapshot: what was live. */
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly rss: number;
}

export interface FilterData {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export interface SnapshotData {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: typeof SNAPSHOT_VERSION;
  readonly takenAt: string;
  readonly interval: number;
  readonly precise: boolean;
  readonly memory: SnapshotMemory;
  readonly filters: readonly FilterData[];
  readonly frames: readonly Frame[];
  readonly traces: ReadonlyArray<{ readonly frames: readonly number[]; readonly size: number; readonly count: number; readonly offHeap: boolean }>;
}

/** Frames interned: each distinct frame written once. */
export function encodeTraces(traces: readonly Trace[]): Pick<SnapshotData, 'frames' | 'traces'> {
  const frames: Frame[] = [];
  const index = new Map<Frame, number>();
  const byValue = new Map<string, number>();
  const ref = (f: Frame): number => {
    let i = index.get(f);
    if (i !== undefined) return i;
    const key = `${f.function}\u0000${f.file}\u0000${f.line}\u0000${f.column}`;
    i = byValue.get(key);
    if (i === undefined) {
      i = frames.push({ function: f.function, file: f.file, line: f.line, column: f.column }) - 1;
      byValue.set(key, i);
    }
    index.set(f, i);
    return i;
  };
  return { frames, traces: traces.map((t) => ({ frames: t.frames.map(ref), size: t.size, count: t.count, offHeap: t.offHeap })) };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isString = (x: unknown): x is string => typeof x === 'string';
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Checks every field of a parsed snapshot file; a wrong one is a TraceFileError naming it, so a
 * corrupt or foreign file is one clear line, never a TypeError later.
 */
export function validateSnapshotData(data: unknown, file: string): SnapshotData {
  const fail = (why: string): never => {
    throw new TraceFileError(file, why);
  };
  if (!isRecord(data)) return fail('not a logsift trace snapshot (not a JSON object)');
  if (data['format'] !== SNAPSHOT_FORMAT) return fail(`not a logsift trace snapshot (format is ${JSON.stringify(data['format'] ?? null)})`);
  if (data['version'] !== SNAPSHOT_VERSION) return fail(`snapshot version ${JSON.stringify(data['version'])} is not supported (this logsift reads version ${SNAPSHOT_VERSION})`);
  if (!isString(data['takenAt'])) fail('takenAt must be a string');
  if (!isCount(data['interval']) || (data['interval'] as number) <= 0) fail('interval must be a positive number');
  if (typeof data['precise'] !== 'boolean') fail('precise must be true or false');
  const memory = data['memory'];
  if (!isRecord(memory)) return fail('memory must be an object');
  for (const k of ['heapUsed', 'external', 'arrayBuffers', 'rss']) if (!isCount(memory[k])) fail(`memory.${k} must be a number of bytes`);
  const filters = data['filters'];
  if (!Array.isArray(filters)) return fail('filters must be an array');
  filters.forEach((f, i) => {
    if (!isRecord(f) || !Array.isArray(f['include']) || !Array.isArray(f['exclude']) || ![...(f['include'] as unknown[]), ...(f['exclude'] as unknown[])].every(isString)) {
      fail(`filters[${i}] must have include and exclude lists of patterns`);
    }
  });
  const frames = data['frames'];
  if (!Array.isArray(frames)) return fail('frames must be an array');
  frames.forEach((f, i) => {
    if (!isRecord(f) || !isString(f['function']) || !isString(f['file']) || !isCount(f['line']) || !isCount(f['column'])) {
      fail(`frames[${i}] must have function, file, line and column`);
    }
  });
  const traces = data['traces'];
  if (!Array.isArray(traces)) return fail('traces must be an array');
  traces.forEach((t, i) => {
    if (!isRecord(t) || !isCount(t['size']) || !isCount(t['count']) || typeof t['offHeap'] !== 'boolean' || !Array.isArray(t['frames'])) {
      fail(`traces[${i}] must have frames, size, count and offHeap`);
    }
    for (const r of (t as Record<string, unknown[]>)['frames']!) {
      if (!Number.isInteger(r) || (r as number) < 0 || (r as number) >= frames.length) fail(`traces[${i}] refers to frame ${JSON.stringify(r)}, which does not exist`);
    }
  });
  return data as unknown as SnapshotData;
}

export function decodeTraces(data: SnapshotData): Trace[] {
  const frames = data.frames.map((f) => ({ function: f.function, file: f.file, line: f.line, column: f.column }));
  return data.traces.map((t) => ({ frames: t.frames.map((i) => frames[i]!), size: t.size, count: t.count, offHeap: t.offHeap }));
}
