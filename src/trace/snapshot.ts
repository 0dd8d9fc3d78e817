import { writeFile } from 'node:fs/promises';
import { DEFAULT_EXCLUDE, patternOfText, patternText, visibleFiles, type FileFilter, type FilePattern, type FileTest } from './file-patterns.js';
import { readTraceJson, systemReason, TraceFileError } from './errors.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  decodeTraces,
  encodeTraces,
  validateSnapshotData,
  type SnapshotData,
  type SnapshotMemory,
} from './snapshot-file.js';
import { diffTraces, statisticsOf, type Statistic, type StatisticDiff, type StatisticKey } from './statistics.js';
import type { Trace } from './trace.js';

export type { SnapshotMemory } from './snapshot-file.js';

export interface SnapshotInit {
  readonly traces: readonly Trace[];
  readonly memory: SnapshotMemory;
  /** Mean bytes between heap samples. */
  readonly interval: number;
  /** Whether allocation folding was off (accurate live bytes). */
  readonly precise: boolean;
  /** When it was taken (ISO 8601). */
  readonly takenAt: string;
  /** The filters in force, first to last; the default hides Node's modules and logsift's own code. */
  readonly filters?: readonly FileFilter[];
}

/** A filter step with both lists filled in: the form a snapshot keeps and dumps. */
interface FilterStep {
  readonly include: readonly FilePattern[];
  readonly exclude: readonly FilePattern[];
}

const DEFAULT_FILTERS: readonly FilterStep[] = [{ include: [], exclude: DEFAULT_EXCLUDE }];

/**
 * Memory live at one moment (after a garbage collection), as tracemalloc's Snapshot: traces of
 * estimated bytes by stack, grouped on demand by site, file or stack, compared with an older
 * snapshot, filtered by file, dumped to and loaded from JSON.
 *
 * Heap bytes come from V8's sampling heap profiler; Buffer contents, which live outside V8's heap
 * and which that profiler cannot see, from logsift's own Buffer sampler (`offHeap` traces).
 */
export class Snapshot {
  readonly traces: readonly Trace[];
  readonly memory: SnapshotMemory;
  readonly interval: number;
  readonly precise: boolean;
  readonly takenAt: string;
  readonly filters: readonly FilterStep[];
  private readonly visible: FileTest;

  constructor(init: SnapshotInit) {
    this.traces = init.traces;
    this.memory = init.memory;
    this.interval = init.interval;
    this.precise = init.precise;
    this.takenAt = init.takenAt;
    this.filters = init.filters
      ? init.filters.map((f) => ({ include: f.include ?? [], exclude: f.exclude ?? DEFAULT_EXCLUDE }))
      : DEFAULT_FILTERS;
    const tests = this.filters.map((f) => visibleFiles(f));
    this.visible = (file) => tests.every((t) => t(file));
  }

  /** Estimated bytes of every trace, hidden or not: what the samplers saw live. */
  get total(): number {
    return Math.round(this.traces.reduce((n, t) => n + t.size, 0));
  }

  /** Whether a frame in this file can be a site under the snapshot's filters. */
  isVisible(file: string): boolean {
    return this.visible(file);
  }

  /** Groups by `key`, largest first (tracemalloc's `statistics`). */
  statistics(key: StatisticKey = 'lineno'): Statistic[] {
    checkKey(key);
    return statisticsOf(this.traces, key, this.visible);
  }

  /** What grew or shrank since `old`, largest change first; grouped under this snapshot's filters. */
  compareTo(old: Snapshot, key: StatisticKey = 'lineno'): StatisticDiff[] {
    checkKey(key);
    if (!(old instanceof Snapshot)) throw new TypeError('compareTo needs a Snapshot');
    return diffTraces(this.traces, old.traces, key, this.visible);
  }

  /**
   * A snapshot whose sites are narrowed further: `include` keeps only frames in matching files
   * as sites, `exclude` hides more files (their allocations go to the nearest visible caller).
   * Filters add up; `replace: true` drops the earlier ones, the default hiding included.
   */
  filter(filter: FileFilter & { readonly replace?: boolean }): Snapshot {
    const step: FilterStep = { include: filter.include ?? [], exclude: filter.exclude ?? [] };
    const earlier = filter.replace ? [] : this.filters;
    return new Snapshot({ ...this.init(), filters: [...earlier, step] });
  }

  toJSON(): SnapshotData {
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      takenAt: this.takenAt,
      interval: this.interval,
      precise: this.precise,
      memory: this.memory,
      filters: this.filters.map((f) => ({ include: f.include.map(patternText), exclude: f.exclude.map(patternText) })),
      ...encodeTraces(this.traces),
    };
  }

  /** Writes the snapshot as JSON (the format of snapshot-file.ts). */
  async dump(path: string): Promise<void> {
    try {
      await writeFile(path, JSON.stringify(this.toJSON()) + '\n');
    } catch (error) {
      throw new TraceFileError(path, `cannot write: ${systemReason(error)}`);
    }
  }

  /** Reads a dumped snapshot; a missing, corrupt or foreign file is a TraceFileError. */
  static async load(path: string): Promise<Snapshot> {
    const data = await readTraceJson(path, 'not a logsift trace snapshot (not JSON)');
    return Snapshot.fromJSON(data, path);
  }

  /** A snapshot from parsed JSON (checked: see load). */
  static fromJSON(data: unknown, source = 'snapshot'): Snapshot {
    const checked = validateSnapshotData(data, source);
    return new Snapshot({
      traces: decodeTraces(checked),
      memory: { ...checked.memory },
      interval: checked.interval,
      precise: checked.precise,
      takenAt: checked.takenAt,
      filters: checked.filters.map((f) => {
        try {
          return { include: f.include.map(patternOfText), exclude: f.exclude.map(patternOfText) };
        } catch (error) {
          throw new TraceFileError(source, `a filter's pattern is not a valid RegExp: ${(error as Error).message}`);
        }
      }),
    });
  }

  private init(): SnapshotInit {
    return { traces: this.traces, memory: this.memory, interval: this.interval, precise: this.precise, takenAt: this.takenAt, filters: this.filters };
  }
}

function checkKey(key: string): void {
  if (key !== 'lineno' && key !== 'filename' && key !== 'traceback') {
    throw new RangeError(`unknown statistics key "${key}": use 'lineno', 'filename' or 'traceback'`);
  }
}
