/** One tool's timed runs within a job, and the command lines the bench runs. */
import { measure, median, type Command, type Measurement, type StdoutMode } from './measure.js';
import { toolLabel, type ToolName, type ToolResult } from './results.js';

export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

/** The text a failed command left: the line naming the error, else the last stderr line. */
export function failureText(m: Measurement): string {
  const err =
    /^\s*(?:\w*Error(?: \[\w+\])?: .*|FATAL ERROR: .*|logsift: .*)$/m.exec(m.stderr)?.[0] ??
    m.stderr.trim().split('\n').pop() ??
    '';
  return `exit ${m.exitCode}${err ? `: ${err.trim().slice(0, 200)}` : ''}`;
}

function describe(c: Command): string {
  const quote = (a: string) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [c.cmd === process.execPath ? 'node' : c.cmd, ...c.args.map(quote)].join(' ');
}

/**
 * A logsift run. --jobs is always passed, so a LOGSIFT_JOBS in the environment cannot change what
 * a row measures.
 */
export function logsiftCommand(cli: string, query: string, file: string, jobs: number, extra: string[] = []): Command {
  return { cmd: process.execPath, args: [cli, '--no-progress', '--jobs', String(jobs), ...extra, query, file] };
}

export class ToolRunner {
  readonly result: ToolResult;
  /** Stdout of the first successful run (mode 'capture'), used for the answer checks. */
  firstStdout: string | undefined;
  /** Every distinct stdout of the successful runs (mode 'capture'): more than one is nondeterminism. */
  readonly outputs = new Set<string>();

  constructor(
    tool: ToolName,
    readonly command: Command,
    readonly mode: StdoutMode,
    jobs?: number,
  ) {
    this.result = { tool, ...(jobs === undefined ? {} : { jobs }), command: describe(command), runs: [], medianS: NaN, peakRssMiB: NaN };
  }

  get label(): string {
    return toolLabel(this.result);
  }

  async runOnce(label: string): Promise<void> {
    if (this.result.error !== undefined) return;
    const m = await measure(this.command, this.mode);
    if (m.exitCode !== 0) {
      this.result.error = failureText(m);
      progress(`  ${label} ${this.label}: FAILED (${this.result.error})`);
      return;
    }
    this.firstStdout ??= m.stdout;
    if (this.mode === 'capture') this.outputs.add(m.stdout);
    this.result.runs.push({ wallS: m.wallS, peakRssKiB: m.peakRssKiB });
    this.result.medianS = median(this.result.runs.map((r) => r.wallS));
    this.result.peakRssMiB = Math.max(...this.result.runs.map((r) => r.peakRssKiB)) / 1024;
    progress(`  ${label} ${this.label}: ${m.wallS.toFixed(3)} s, ${(m.peakRssKiB / 1024).toFixed(1)} MiB`);
  }
}
