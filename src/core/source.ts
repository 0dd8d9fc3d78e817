/** One input: a file on disk or standard input. Paths are as the user gave them (or as expanded). */
export interface Source {
  /** Name used in messages: the path as given/expanded, or "-" for standard input. */
  readonly name: string;
  /** Filesystem path, or null for standard input. */
  readonly path: string | null;
  /** Size in bytes on disk when known (compressed size for archives), else null. */
  readonly size: number | null;
}

export const STDIN_SOURCE: Source = Object.freeze({ name: '-', path: null, size: null });
