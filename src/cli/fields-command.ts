import { Command } from 'commander';
import { describeFields } from '../engine/describe-fields.js';
import { createWriter } from '../output/index.js';
import { FdSink } from '../output/sink.js';
import type { CliIo } from './io.js';

/** `logsift fields PATH...`: the fields each input's format yields, with types and a sample value. */
export function fieldsCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  return new Command('fields')
    .description('list the fields the detected (or given) format yields for each input, with types and a sample value')
    .argument('<paths...>', 'files, directories, globs, or - for stdin')
    .option('-f, --format <format>', 'read with this format instead of detecting it')
    .option('--json', 'print as JSON')
    .option('--no-progress', 'accepted for symmetry with the query (fields reads only the first records)')
    .addHelpText('after', "\nExample:\n  logsift fields access.log        # host, ident, user, time... with a sample of each")
    .action((paths: string[], opts: { format?: string; json?: boolean }) => {
      done(
        (async () => {
          let failed = false;
          const inputs = await describeFields(paths, {
            ...(opts.format !== undefined ? { format: opts.format } : {}),
            onInputError: (message) => {
              failed = true;
              io.errorLine(`logsift: ${message}`);
            },
          });
          const sink = io.out ?? new FdSink(1);
          const schema = { columns: ['source', 'format', 'field', 'type', 'sample'] };
          const writer = createWriter(opts.json ? 'json' : 'table', schema, sink);
          for (const input of inputs) {
            for (const f of input.fields) writer.row([input.source, input.format, f.name, f.type, f.sample]);
          }
          writer.end();
          await sink.end();
          return failed ? 1 : 0;
        })(),
      );
    });
}
