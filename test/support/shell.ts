import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dataDir } from './shared-data.js';

/**
 * The independent witnesses: awk, wc and zcat run on the same files, so expected answers come
 * from tools that share no code with logsift. Every call runs inside the data folder with
 * relative paths.
 */

const AWK = existsSync('/usr/bin/mawk') ? '/usr/bin/mawk' : 'awk';

function run(command: string, args: readonly string[], input?: string | Buffer): string {
  const result = spawnSync(command, args, {
    cwd: dataDir,
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} failed to start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** What awk reads: files (relative to the data folder) or text given on standard input. */
export type AwkInput = readonly string[] | { readonly stdin: string | Buffer };

/**
 * Runs an awk program over files (each file is its own set of records: awk never glues the last
 * line of one file to the first line of the next, and a last line without "\n" is still a record)
 * or over standard input. `fieldSep` is passed as -F when given.
 */
export function awk(program: string, input: AwkInput, fieldSep?: string): string {
  const fs = fieldSep === undefined ? [] : ['-F', fieldSep];
  if ('stdin' in input) return run(AWK, [...fs, program], input.stdin);
  return run(AWK, [...fs, program, ...(input as readonly string[])]);
}

/**
 * An awk program's output of `key<TAB>count` lines as a map. The program runs with OFS = "\t"
 * so that keys holding spaces (hour buckets do) survive.
 */
export function awkCounts(program: string, input: AwkInput, fieldSep?: string): Map<string, number> {
  return parseCounts(awk(`BEGIN { OFS = "\\t" } ${program}`, input, fieldSep));
}

export function parseCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.lastIndexOf('\t');
    counts.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return counts;
}

/** `wc -l`: the number of "\n" bytes in the file. */
export function wcLines(file: string): number {
  return Number(run('wc', ['-l', file]).trim().split(/\s+/)[0]);
}

/** The last byte of the file as `tail -c 1` prints it. */
export function lastByte(file: string): string {
  return run('tail', ['-c', '1', file]);
}

/**
 * Lines as a reader should count them: `wc -l` counts newline bytes, so a file whose last line
 * has no final "\n" (the NASA split files, nginx.log) has one line more than `wc -l` says.
 */
export function wcLinesCorrected(file: string): number {
  const newlines = wcLines(file);
  const last = lastByte(file);
  return last === '' || last === '\n' ? newlines : newlines + 1;
}

/** `zcat file`: the decompressed text. */
export function zcat(file: string): string {
  return run('zcat', [file]);
}
