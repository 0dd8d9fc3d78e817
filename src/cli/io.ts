import type { ByteSink } from '../output/sink.js';

/** Where a CLI run writes; the defaults are the process's own streams. */
export interface CliIo {
  /** Where results go (default: standard output). */
  readonly out?: ByteSink;
  /** One message line for stderr. */
  readonly errorLine: (line: string) => void;
  /** The module worker threads run: the CLI bundle passes itself. */
  readonly workerUrl?: URL;
}
