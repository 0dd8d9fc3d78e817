import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError, EXIT_INPUT } from '../../core/errors.js';
import { FILES } from '../agent/control.js';
import { collapsedCpu, collapsedHeap } from '../collapsed.js';
import { systemReason } from '../errors.js';
import type { ReportSnapshots } from './build-report.js';
import type { TraceFiles } from './read-results.js';

/**
 * `--out DIR`: the raw profiles in the formats viewers open (Chrome DevTools and speedscope read
 * .heapprofile, .cpuprofile and .heapsnapshot; speedscope and flamegraph.pl read collapsed stacks),
 * and the snapshots as logsift dumps them, for `logsift trace compare`. Returns the names written.
 */
export function writeOutputs(dir: string, files: TraceFiles, snapshots: ReportSnapshots): string[] {
  const written: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    const copy = (from: string, to: string): void => {
      if (!existsSync(join(files.dir, from))) return;
      copyFileSync(join(files.dir, from), join(dir, to));
      written.push(to);
    };
    const write = (name: string, text: string): void => {
      writeFileSync(join(dir, name), text);
      written.push(name);
    };
    if (files.peak) copy(files.peak.capture.profileFile, 'peak.heapprofile');
    if (files.exit) copy(files.exit.capture.profileFile, 'exit.heapprofile');
    copy(FILES.cpu, 'cpu.cpuprofile');
    copy(FILES.heapSnapshot, 'peak.heapsnapshot');
    if (snapshots.peak) {
      write('peak.snapshot.json', JSON.stringify(snapshots.peak.toJSON()) + '\n');
      write('peak-heap.collapsed', collapsedHeap(snapshots.peak.traces));
    }
    if (snapshots.exit) {
      write('exit.snapshot.json', JSON.stringify(snapshots.exit.toJSON()) + '\n');
      write('exit-heap.collapsed', collapsedHeap(snapshots.exit.traces));
    }
    if (snapshots.cpu) write('cpu.collapsed', collapsedCpu(snapshots.cpu));
  } catch (error) {
    throw new UserError(`trace: cannot write to ${dir}: ${systemReason(error)}`, EXIT_INPUT);
  }
  return written;
}
