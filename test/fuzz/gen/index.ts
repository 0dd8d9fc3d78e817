/** The generators by kind, and the one function that turns (seed, kind, index) into a case. */
import { CaseBuilder, HOSTILE_EVERY, type Corpus, type FuzzCase, type Generator, type Kind } from '../case.js';
import { Rng, caseSeed } from '../prng.js';
import { archivesGenerator } from './archives.js';
import { formatsGenerator } from './formats.js';
import { inputsGenerator } from './inputs.js';
import { linesGenerator } from './lines.js';
import { queriesGenerator } from './queries.js';

export const GENERATORS: Readonly<Record<Kind, Generator>> = {
  queries: queriesGenerator,
  formats: formatsGenerator,
  lines: linesGenerator,
  archives: archivesGenerator,
  inputs: inputsGenerator,
};

/** The hostile shape case `index` of a kind gets, or null for an ordinary case. */
export function hostileShapeOf(kind: Kind, index: number): string | null {
  const shapes = GENERATORS[kind].hostileShapes;
  if (index % HOSTILE_EVERY !== 0 || shapes.length === 0) return null;
  return shapes[Math.floor(index / HOSTILE_EVERY) % shapes.length]!;
}

/**
 * Case `index` of `kind` for a run seed: a pure function of its arguments. `sizeOverride`
 * replays the same case with a smaller size parameter (the minimiser's lever).
 */
export function makeCase(kind: Kind, seed: number, index: number, corpus: Corpus, sizeOverride: number | null = null): FuzzCase {
  const b = new CaseBuilder(new Rng(caseSeed(seed, kind, index)), corpus, sizeOverride);
  GENERATORS[kind].generate(b, hostileShapeOf(kind, index));
  return b.build(kind, index, seed);
}
