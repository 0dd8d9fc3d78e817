import { existsSync, readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError, EXIT_USAGE, UsageError } from '../core/errors.js';
import { FdSink, OutputClosed, type ByteSink } from '../output/sink.js';
import { QueryError, formatQueryError } from '../query/errors.js';
import { COMMANDS } from './commands.js';
import type { CliIo } from './io.js';
import { QUERY_EXAMPLES } from './query-command.js';

/** Exit code for a bug in logsift itself (BSD's EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

export type { CliIo } from './io.js';

/** The package's version, from the nearest package.json above this file (bundled or not). */
export function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'logsift' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dir.pathname === '/') return 'unknown';
  }
}

/** The whole command line: commands from the table, the query the default. */
function program(io: CliIo & { out: ByteSink }, done: (run: Promise<number>) => void): Command {
  const writeOut = (s: string): void => io.out.write(s);
  const root = new Command('logsift')
    .usage('[options] QUERY [PATH...]\n       logsift <command> [options] ...')
    .description('Streaming grep, parse and query for logs of any size, in constant memory.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut })
    .showSuggestionAfterError(true)
    // A mode's options are its own: `trace compare --json` must reach compare, not trace's --json FILE.
    .enablePositionalOptions();
  for (const { name, make } of COMMANDS) {
    const command = make(io, done).exitOverride().configureOutput({ writeErr: () => {}, writeOut });
    root.addCommand(command, name === 'query' ? { isDefault: true } : {});
  }
  return root;
}

/**
 * One run of the command line, in-process: turns user mistakes into one-line messages and exit
 * codes, and anything else into an "internal error" line (the stack only with LOGSIFT_DEBUG=1).
 * Never throws. The fuzz suite calls this directly; `main.ts` is the process around it.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  argv = [...argv];
  const say = io.errorLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  // One sink for everything written to standard output: results, help and version text.
  const out = io.out ?? new FdSink(1);
  const full: CliIo = { ...io, out, errorLine: say };
  const query = queryText(argv);
  try {
    argv = modeFirst(profileKind(argv));
    let run: Promise<number> | null = null;
    const cli = program({ ...full, out }, (started) => {
      run = started;
    });
    const firstWord = argv.find((a) => !a.startsWith('-'));
    const namesCommand = COMMANDS.some((c) => c.name !== 'query' && c.name === firstWord);
    if ((argv.includes('--help') || argv.includes('-h')) && !namesCommand) {
      // The default command's options are what most users look for.
      const help = cli.commands.find((c) => c.name() === 'query')!.helpInformation().replace(/^Usage: logsift query/, 'Usage: logsift');
      out.write(help + QUERY_EXAMPLES.slice(1) + '\n');
      out.write(`\nOther commands: ${COMMANDS.slice(1).map((c) => c.name).join(', ')} (logsift <command> --help)\n`);
      await out.end();
      return 0;
    }
    try {
      cli.parse(argv as string[], { from: 'user' });
    } catch (error) {
      if (error instanceof CommanderError) {
        if (error.exitCode === 0) {
          await out.end(); // --help or --version printed
          return 0;
        }
        // Commander puts its suggestion on a line of its own; a user mistake is one line.
        throw new UsageError(error.message.replace(/^error: /, '').replace(/\s*\n\s*\(Did you mean (.*)\)\s*$/, ' (did you mean $1)'));
      }
      throw error;
    }
    return run === null ? 0 : await (run as Promise<number>);
  } catch (error) {
    if (error instanceof OutputClosed) return 0;
    if (error instanceof QueryError) {
      say(`logsift: ${formatQueryError(query, error)}${error.source ? '' : fileHint(query)}`);
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      say(`logsift: ${error.message}`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    say(`logsift: internal error: ${message}`);
    if (process.env['LOGSIFT_DEBUG'] && error instanceof Error) say(`${error.stack}`);
    return EXIT_INTERNAL;
  }
}

/**
 * The command line with a mode's name first: options may come before it (`logsift --no-progress
 * fields x`), but the command table dispatches on the first word.
 */
function modeFirst(argv: readonly string[]): readonly string[] {
  const i = argv.findIndex((a, k) => !a.startsWith('-') && !isOptionValue(argv, k));
  if (i <= 0 || !COMMANDS.some((c) => c.name !== 'query' && c.name === argv[i])) return argv;
  return [argv[i]!, ...argv.slice(0, i), ...argv.slice(i + 1)];
}

/**
 * `--profile=cpu` and `--profile=memory` become `--profile-kind KIND` (and `--profile=stages` the
 * plain table). An optional value on `--profile` itself would take the next argument, often the
 * query, for its value; `--profile QUERY` must stay the stage table of QUERY.
 */
function profileKind(argv: readonly string[]): string[] {
  const dash = argv.indexOf('--');
  return argv.map((a, i) => {
    const m = /^--profile=(.*)$/.exec(a);
    if (!m || (dash >= 0 && i > dash)) return a;
    if (!['stages', 'cpu', 'memory'].includes(m[1]!)) throw new UsageError(`--profile=${m[1]}: give --profile (the stage table), --profile=cpu or --profile=memory`);
    return `--profile-kind=${m[1]}`;
  });
}

/** The query text of a command line, for the caret under a query error. */
function queryText(argv: readonly string[]): string {
  const q = argv.indexOf('-q') >= 0 ? argv.indexOf('-q') : argv.indexOf('--query');
  if (q >= 0 && q + 1 < argv.length) return argv[q + 1]!;
  const words = argv.filter((a, i) => !a.startsWith('-') && !isOptionValue(argv, i));
  // A mode's name comes first (`logsift follow QUERY PATH`): its query is the word after it.
  const first = words[0] !== undefined && COMMANDS.some((c) => c.name !== 'query' && c.name === words[0]) ? words[1] : words[0];
  return first ?? '';
}

/** Whether argv[i] is the value of the option before it (`--format X`). */
function isOptionValue(argv: readonly string[], i: number): boolean {
  const previous = argv[i - 1];
  return previous !== undefined && /^(-f|--format|-j|--jobs|--max-line-length|--distinct-limit|--percentile-limit|--sort-limit|--max-groups|--malformed|--from|--every|--window|--checkpoint|--poll|--rotate-wait|-e|--expr|-o|--output|--since|--until|--alert|--for|--exec|--webhook)$/.test(previous);
}

/** When the "query" names an existing file, the likely mistake is a missing query. */
function fileHint(query: string): string {
  if (query === '' || !existsSync(query)) return '';
  return `\n  (to read ${query}, give the query first: logsift '' ${query})`;
}
