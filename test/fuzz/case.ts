/**
 * What a fuzz case is: an argv for the CLI plus the files it reads. Generators are pure functions
 * of a seeded Rng, so a case is identified by (run seed, kind, index) alone.
 *
 * Paths in argv are written with the DIR placeholder; the harness gives every case a fresh
 * directory and substitutes it just before the run.
 */
import { Rng } from './prng.js';

export const DIR = '@DIR@';

export const KINDS = ['queries', 'formats', 'lines', 'archives', 'inputs'] as const;
export type Kind = (typeof KINDS)[number];

export interface CaseFile {
  /** Path relative to the case directory (may hold '/'). */
  readonly name: string;
  readonly data: string | Buffer;
  /** Binary content: never split into lines by the minimiser. */
  readonly binary?: boolean;
}

export interface FuzzCase {
  readonly kind: Kind;
  readonly index: number;
  /** The run seed the case came from. */
  readonly seed: number;
  /** Which generator shape made it, e.g. `grammar`, `mutation`, `hostile:deep-parens`. */
  readonly shape: string;
  /** Arguments after `logsift` (DIR stands for the case directory). */
  readonly argv: string[];
  /** Index in argv of the query, when there is one (the minimiser edits it). */
  readonly queryIndex: number | null;
  readonly files: CaseFile[];
  /** Directories to create (relative), even when empty. */
  readonly dirs: string[];
  /** Symbolic links to create: name -> target (as written into the link). */
  readonly links: { readonly name: string; readonly target: string }[];
  /** The one size parameter the case scales with (nesting depth, line length...), if any. */
  readonly size: { readonly name: string; readonly value: number } | null;
}

/** Shared, run-wide material for generators (e.g. archives compressed once per run). */
export interface Corpus {
  /** Compressed logs by codec; a codec whose tool is missing has no entry. */
  readonly archives: ReadonlyMap<string, readonly Buffer[]>;
  /** Notes about what could not be prepared (a missing bzip2 or zstd). */
  readonly notes: readonly string[];
}

/**
 * The builder a generator fills in. `scaled` registers the case's size parameter and returns the
 * override when the minimiser replays the case with a smaller one: the Rng draws stay the same,
 * so everything else about the case is unchanged.
 */
export class CaseBuilder {
  argv: string[] = [];
  queryIndex: number | null = null;
  readonly files: CaseFile[] = [];
  readonly dirs: string[] = [];
  readonly links: { name: string; target: string }[] = [];
  shape = 'unknown';
  private size: { name: string; value: number } | null = null;

  constructor(
    readonly rng: Rng,
    readonly corpus: Corpus,
    private readonly sizeOverride: number | null,
  ) {}

  scaled(name: string, drawn: number): number {
    if (this.size !== null) return drawn; // only the first size parameter is scaled
    const value = this.sizeOverride ?? drawn;
    this.size = { name, value };
    return value;
  }

  /** Adds a file and returns its path as an argv item. */
  file(name: string, data: string | Buffer, binary = false): string {
    this.files.push({ name, data, binary });
    return `${DIR}/${name}`;
  }

  /** Sets the query (as the first positional) and remembers where it is. */
  setQuery(query: string, options: string[], inputs: string[]): void {
    this.argv = [...options, query, ...inputs];
    this.queryIndex = options.length;
  }

  build(kind: Kind, index: number, seed: number): FuzzCase {
    for (const arg of this.argv) {
      const bytes = Buffer.byteLength(arg);
      if (bytes > MAX_ARG_BYTES) throw new Error(`${kind} #${index} (${this.shape}): an argument of ${bytes} bytes cannot be on a command line`);
    }
    return {
      kind,
      index,
      seed,
      shape: this.shape,
      argv: this.argv.map(realisable),
      queryIndex: this.queryIndex,
      files: this.files,
      dirs: this.dirs,
      links: this.links,
      size: this.size,
    };
  }
}

/**
 * Linux's limit on one argument (MAX_ARG_STRLEN, 32 pages, with the final NUL): longer queries
 * cannot reach the CLI at all, so generators keep every argument within it.
 */
export const MAX_ARG_BYTES = 128 * 1024 - 1;

/**
 * An argument as a real command line can hold it: argv comes from C strings decoded as UTF-8, so
 * it never holds NUL, and never a lone surrogate (invalid bytes decode to U+FFFD).
 */
export function realisable(arg: string): string {
  return Buffer.from(arg.replace(/\u0000/g, ''), 'utf8').toString('utf8');
}

/** A generator: fills the builder from its Rng. `hostile` asks for one of its hostile shapes. */
export interface Generator {
  readonly kind: Kind;
  /** Names of the hostile shapes, run in rotation (case index / HOSTILE_EVERY). */
  readonly hostileShapes: readonly string[];
  generate(b: CaseBuilder, hostile: string | null): void;
}

/** Every HOSTILE_EVERY-th case of a kind is hostile, rotating through the kind's hostile shapes. */
export const HOSTILE_EVERY = 6;
