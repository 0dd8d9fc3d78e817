// The lab's rewrite: the same output, but each step is a stage that passes batches of about
// 1 MiB of lines along (logsift's library), so memory stays flat whatever the file's size.
//
//   node examples/lab/streaming.mjs lab.log > errors.txt
//   npx logsift trace -- node examples/lab/streaming.mjs lab.log > errors.txt
import { RunContext, pipe, find, open, cat, lines, parse, filter, format } from 'logsift';

async function main(path) {
  const ctx = new RunContext({ reuseBuffers: true }); // nothing below keeps a view on a batch
  const output = pipe(
    find(ctx, [path]),
    open(ctx),
    cat(ctx),
    lines(ctx),
    parse(ctx, { format: 'applog' }),
    filter(ctx, 'level == "ERROR"'),
    format(ctx, (r) => `${new Date(r.time.ms).toISOString()} [${r.thread}] ${r.logger}: ${r.message}`),
  );
  for await (const texts of output) {
    // One write per batch; wait when the reader is slower than we are.
    if (!process.stdout.write(texts.join('\n') + (texts.length > 0 ? '\n' : ''))) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
  if (ctx.diagnostics.inputErrors.length > 0) process.exitCode = 1;
}

if (process.argv.length < 3) {
  process.stderr.write('usage: node examples/lab/streaming.mjs FILE\n');
  process.exit(2);
}
await main(process.argv[2]);
