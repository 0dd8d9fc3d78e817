import { readFile } from 'node:fs/promises';
import { EXIT_USAGE, UserError } from '../core/errors.js';

/**
 * A file given to the tracer (a dumped snapshot, a JSON report) that cannot be read as one:
 * missing, not JSON, another kind of file, a version this logsift does not know. The CLI prints
 * the message on one line and exits 2.
 */
export class TraceFileError extends UserError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`, EXIT_USAGE);
    this.name = 'TraceFileError';
  }
}

/** The system's reason for a failed read or write, without Node's stack-y prefix. */
export function systemReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return e?.message ?? String(error);
  }
}

/** A file given to the tracer, parsed as JSON; `notJson` says what it should have been. */
export async function readTraceJson(path: string, notJson: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TraceFileError(path, `cannot read: ${systemReason(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TraceFileError(path, notJson);
  }
}
