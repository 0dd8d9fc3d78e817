/** One input: a file on disk or standard input. Paths are as the user gave them (or as expanded). */
export interface Source {
  /** Name used in messages: the path as given/expanded, or "-" for standard input. */
  readonly name: string;
  /** Filesystem path, or null for standard input. */
  readonly path: string | null;
  /** Size in bytes on disk when known (compressed size for archives), else null. */
  readonly size: number | null;
  /**
   * Only these bytes of a plain file: the lines whose first byte lies in [start, end) (a worker's
   * share of a big file). Line numbers then count from the range's first line.
   */
  readonly range?: readonly [start: number, end: number];
}

export const STDIN_SOURCE: Source = Object.freeze({ name: '-', path: null, size: null });
