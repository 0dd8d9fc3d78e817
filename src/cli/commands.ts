import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { fieldsCommand } from './fields-command.js';
import { followCommand } from './follow-command.js';
import { inspectCommand } from './inspect-command.js';
import type { CliIo } from './io.js';
import { queryCommand } from './query-command.js';
import { traceCommand } from './trace-command.js';

/** Makes one subcommand; `done` receives the promise of its exit code. */
export type CommandFactory = (io: CliIo, done: (run: Promise<number>) => void) => Command;

/**
 * The command table. The default command is the query (`logsift QUERY PATH...`); the others are
 * modes over the same engine. A mode adds a file and a line here, never a branch elsewhere.
 * Names reserved for modes that are coming answer so, and are never read as a query.
 */
export const COMMANDS: readonly { readonly name: string; readonly make: CommandFactory }[] = [
  { name: 'query', make: queryCommand },
  { name: 'fields', make: fieldsCommand },
  { name: 'trace', make: traceCommand },
  { name: 'follow', make: followCommand },
  { name: 'inspect', make: inspectCommand },
  ...['report', 'worker'].map((name) => ({ name, make: reserved(name) })),
];

function reserved(name: string): CommandFactory {
  return (_io, done) =>
    new Command(name)
      .description('(not available yet)')
      .allowUnknownOption()
      .argument('[args...]')
      .action(() => done(Promise.reject(new UsageError(`'${name}' is not available yet in this version of logsift`))));
}
