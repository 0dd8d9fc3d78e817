import { rmSync, writeFileSync } from 'node:fs';
import { EXIT_INPUT, UserError } from '../../core/errors.js';
import type { AgentOptions } from '../agent/control.js';
import { systemReason } from '../errors.js';
import type { FilePattern } from '../file-patterns.js';
import { buildReport } from './build-report.js';
import { formatReport } from './format-report.js';
import { readTraceFiles } from './read-results.js';
import type { TraceReport } from './report.js';
import { resolveCommand } from './resolve-command.js';
import { makeControlDir, runTraced } from './run-traced.js';
import { writeOutputs } from './write-outputs.js';

export interface TraceProgramOptions {
  readonly command: readonly string[];
  readonly interval: number;
  readonly precise: boolean;
  readonly cpu: boolean;
  readonly snapshot: boolean;
  readonly snapshotLimit: number;
  readonly top: number;
  readonly include?: readonly FilePattern[];
  readonly exclude?: readonly FilePattern[];
  /** Where the text report goes; stderr when undefined. */
  readonly reportFile?: string;
  readonly jsonFile?: string;
  readonly outDir?: string;
  readonly say: (line: string) => void;
}

/**
 * `logsift trace -- COMMAND...`: runs the program under the tracer and reports what it found.
 * Returns the program's own exit code (128 + n when signal n ended it), so logsift is transparent
 * in scripts; a report that cannot be written is an error line, never a different exit code.
 */
export async function traceProgram(o: TraceProgramOptions): Promise<{ exitCode: number; report: TraceReport }> {
  const command = resolveCommand(o.command);
  const dir = makeControlDir();
  try {
    const agentOptions: AgentOptions = { interval: o.interval, precise: o.precise, cpu: o.cpu, snapshot: o.snapshot, snapshotLimit: o.snapshotLimit };
    const end = await runTraced(command, dir, agentOptions);
    const files = readTraceFiles(dir);
    const { report, snapshots } = buildReport({
      command: o.command,
      files,
      end,
      interval: o.interval,
      precise: o.precise,
      cpu: o.cpu,
      snapshot: o.snapshot,
      snapshotLimit: o.snapshotLimit,
      isLogsift: command.isLogsift,
      ...(o.include ? { include: o.include } : {}),
      ...(o.exclude ? { exclude: o.exclude } : {}),
    });
    const text = formatReport(report, o.top);
    if (o.reportFile !== undefined) writeOrSay(o.reportFile, text, o.say);
    else process.stderr.write(text);
    if (o.jsonFile !== undefined) writeOrSay(o.jsonFile, JSON.stringify(report, null, 2) + '\n', o.say);
    if (o.outDir !== undefined) {
      try {
        writeOutputs(o.outDir, files, snapshots);
      } catch (error) {
        o.say(`logsift: ${(error as Error).message}`);
      }
    }
    return { exitCode: end.exitCode, report };
  } finally {
    // LOGSIFT_TRACE_DEBUG=1 keeps the agent's files (its notes log every look at the heap), to see why a capture ran when it did.
    if (process.env['LOGSIFT_TRACE_DEBUG']) process.stderr.write(`logsift trace: debug: control folder kept: ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function writeOrSay(file: string, text: string, say: (line: string) => void): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    say(`logsift: ${new UserError(`trace: cannot write ${file}: ${systemReason(error)}`, EXIT_INPUT).message}`);
  }
}
