import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../core/errors.js';
import type { CompareAnswer, DeleteAnswer, MemoryReport, SnapshotAnswer, TrendAnswer } from '../inspector/answers.js';
import { compareText, deleteText, memoryText, snapshotText, trendText } from '../inspector/text-table.js';
import { formatBytes, formatPercent } from '../trace/units.js';
import { inspectorBase, inspectorClient, type Client } from './inspect-client.js';
import type { CliIo } from './io.js';
import { positiveInt } from './shared-options.js';

export const INSPECT_EXAMPLES = `
Actions:
  snapshot KEY     take a snapshot under KEY (after a full collection)
  compare KEY      take another and show what grew since KEY, by function
  delete KEY       drop the snapshot KEY
  memory           memory now: heap, external, RSS, collections, event loop
  trend            memory after GC over time, its slope and the verdict
  watch            the trend as it changes: sparklines of heap after GC and RSS, refreshed

Examples:
  logsift inspect http://127.0.0.1:3000 --token "$TOKEN" snapshot before
  logsift inspect http://127.0.0.1:3000 --token "$TOKEN" compare before --top 5
  logsift inspect http://127.0.0.1:3000/debug/memory memory --json
  LOGSIFT_INSPECT_TOKEN=... logsift inspect http://127.0.0.1:3000 watch --interval 5

URL is the app's address; the inspector's default prefix /debug/memory is added when the URL has
no path. The token comes from --token or LOGSIFT_INSPECT_TOKEN.`;

const ACTIONS = ['snapshot', 'compare', 'delete', 'memory', 'trend', 'watch'] as const;
type Action = (typeof ACTIONS)[number];

interface InspectOptions {
  token?: string;
  json?: boolean;
  top: number;
  interval: number;
  count?: number;
  timeout: number;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 86_400)) throw new InvalidArgumentError('expected seconds above 0, e.g. 2 or 0.5');
  return n;
}

/** `logsift inspect URL [options] ACTION [KEY]`: the client of a running app's inspector. */
export function inspectCommand(io: CliIo, done: (run: Promise<number>) => void): Command {
  const write = (s: string): void => void (io.out ? io.out.write(s) : process.stdout.write(s));
  return new Command('inspect')
    .description("talk to a running app's memory inspector (logsift/inspector): snapshots, compare, memory, trend")
    .usage('URL [options] ACTION [KEY]')
    .argument('<url>', "the app's address, e.g. http://127.0.0.1:3000")
    .argument('<action>', ACTIONS.join(' | '))
    .argument('[key]', 'the snapshot key, for snapshot, compare and delete')
    .option('--token <token>', 'the inspector token (default: $LOGSIFT_INSPECT_TOKEN)')
    .option('--json', 'print the answer as JSON')
    .option('--top <n>', 'compare: sites to show', positiveInt, 10)
    .option('--interval <seconds>', 'watch: seconds between refreshes', seconds, 2)
    .option('--count <n>', 'watch: stop after this many refreshes (default: until Ctrl-C)', positiveInt)
    .option('--timeout <seconds>', 'give up on an answer after this long', seconds, 120)
    .addHelpText('after', INSPECT_EXAMPLES)
    .action((url: string, action: string, key: string | undefined, opts: InspectOptions) => {
      done(
        (async () => {
          if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`inspect: unknown action '${action}'; use ${ACTIONS.join(', ')}`);
          const needsKey = action === 'snapshot' || action === 'compare' || action === 'delete';
          if (needsKey && key === undefined) throw new UsageError(`inspect: ${action} needs a snapshot key, e.g. logsift inspect URL ${action} before`);
          if (!needsKey && key !== undefined) throw new UsageError(`inspect: ${action} takes no key (got '${key}')`);
          const token = opts.token ?? process.env['LOGSIFT_INSPECT_TOKEN'];
          const client = inspectorClient(inspectorBase(url), token || undefined, opts.timeout * 1000);
          await runAction(client, action as Action, key, opts, write);
          await io.out?.end();
          return 0;
        })(),
      );
    });
}

async function runAction(client: Client, action: Action, key: string | undefined, opts: InspectOptions, write: (s: string) => void): Promise<void> {
  const show = <T>(body: unknown, text: (b: T) => string): void => write(opts.json ? JSON.stringify(body, null, 2) + '\n' : text(body as T));
  const k = encodeURIComponent(key ?? '');
  switch (action) {
    case 'snapshot':
      return show<SnapshotAnswer>(await client.request('POST', '/snapshots', { key: key! }), snapshotText);
    case 'compare':
      return show<CompareAnswer>(await client.request('POST', `/snapshots/${k}/compare`, { top: String(opts.top) }), compareText);
    case 'delete':
      return show<DeleteAnswer>(await client.request('DELETE', `/snapshots/${k}`), deleteText);
    case 'memory':
      return show<MemoryReport>(await client.request('GET', ''), memoryText);
    case 'trend':
      return show<TrendAnswer>(await client.request('GET', '/trend'), trendText);
    case 'watch':
      return watch(client, opts, write);
  }
}

/** Refreshes the trend every --interval seconds: in place on a terminal, one frame after another otherwise. */
async function watch(client: Client, opts: InspectOptions, write: (s: string) => void): Promise<void> {
  const tty = process.stdout.isTTY === true && !opts.json;
  let stop = false;
  let wake = (): void => {};
  // Ctrl-C ends watching at once, with exit status 0: it is how watching is meant to end.
  const onInt = (): void => {
    stop = true;
    wake();
  };
  process.once('SIGINT', onInt);
  try {
    for (let frame = 1; !stop && (opts.count === undefined || frame <= opts.count); frame++) {
      if (frame > 1) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, opts.interval * 1000);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (stop) break;
      const [memory, trend] = (await Promise.all([client.request('GET', ''), client.request('GET', '/trend')])) as [MemoryReport, TrendAnswer];
      if (opts.json) {
        write(JSON.stringify({ memory, trend }) + '\n');
        continue;
      }
      const head = `${memory.at}  heap used ${formatBytes(memory.heapUsed)}, rss ${formatBytes(memory.rss)}, external ${formatBytes(memory.external)}, event loop ${formatPercent(memory.eventLoopUtilization.sinceLastRead * 100)} busy\n`;
      write((tty ? '\x1b[H\x1b[2J' : frame > 1 ? '\n' : '') + head + trendText(trend));
    }
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}
