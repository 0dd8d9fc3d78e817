/**
 * `logsift/trace`: tracemalloc, cProfile and line_profiler for Node, named after tracemalloc so
 * Python users feel at home. Memory: start(), takeSnapshot(), Snapshot.statistics / compareTo /
 * filter / dump / load, getTracedMemory(), resetPeak(), stop(). CPU: startCpuProfile(),
 * stopCpuProfile() and the profile's statistics / callers / callees / lines.
 */
export { start, stop, isTracing, takeSnapshot, getTracedMemory, resetPeak } from './tracer.js';
export { startCpuProfile, stopCpuProfile, DEFAULT_CPU_INTERVAL_US } from './cpu.js';
export { Snapshot, type SnapshotMemory } from './snapshot.js';
export { CpuProfile, type CpuSort, type FunctionRef, type FunctionStat, type EdgeStat, type LineStat } from './cpu-profile.js';
export { STATISTIC_KEYS, type Statistic, type StatisticDiff, type StatisticKey } from './statistics.js';
export { DEFAULT_INTERVAL, type TraceOptions } from './thread-tracer.js';
export type { TracedMemory, MemoryFigure } from './memory-peaks.js';
export type { FileFilter, FilePattern } from './file-patterns.js';
export type { Frame } from './frames.js';
export type { Trace } from './trace.js';
export { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type SnapshotData } from './snapshot-file.js';
export { TraceFileError } from './errors.js';
