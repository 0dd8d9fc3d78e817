/**
 * Errors that are the user's to fix (bad path, bad query, corrupt archive). The CLI prints
 * `message` on one line, without a stack trace, and exits with `exitCode`.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

/** What a byte offset in an InputError counts. */
export type OffsetKind = 'file' | 'compressed' | 'decompressed';

/** A failure of one input: missing, unreadable, corrupt or truncated. Other inputs go on. */
export class InputError extends UserError {
  constructor(
    readonly source: string,
    readonly reason: string,
    /** Byte offset where known: in the file as read, in its compressed bytes, or in what they decoded to. */
    readonly offset?: number,
    readonly offsetKind: OffsetKind = 'file',
  ) {
    const where = offset === undefined ? '' : ` (at ${offsetKind === 'file' ? '' : `${offsetKind} `}byte ${offset})`;
    super(`${source}: ${reason}${where}`, EXIT_INPUT);
    this.name = 'InputError';
  }
}

/**
 * `--strict` met a line that does not match the format (or one the format had to repair): it
 * names the line, and the run stops.
 */
export class StrictError extends UserError {
  constructor(
    readonly source: string,
    /** 1-based; relative to the start of the byte range when a pass read one. */
    readonly line: number,
    readonly format: string,
    /** What is wrong with it, when more is known than "does not match" (`two requests glued together`). */
    readonly reason?: string,
  ) {
    super(`${source}:${line}: ${reason === undefined ? `line does not match ${format}` : `${reason} (${format})`}`, EXIT_INPUT);
    this.name = 'StrictError';
  }
}

/** A query or option the user wrote wrongly. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}
