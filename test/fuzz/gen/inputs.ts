/**
 * Input specs: brace globs that expand hugely, deep and odd glob patterns, nonexistent paths,
 * directories (nested, empty, with a symbolic-link loop), paths through files, the same input
 * twice. Standard input is never used (the worker has none).
 */
import { DIR, type CaseBuilder, type Generator } from '../case.js';
import type { Rng } from '../prng.js';
import { joinLines, linesOf } from './samples.js';

const QUERIES = ['count', '', 'count by status', 'status >= 400', 'head 1', 'count by host', 'sum(bytes)'];

function braceGlob(b: CaseBuilder, rng: Rng): string {
  const shape = rng.int(0, 6);
  switch (shape) {
    // Sizes are either small (fast) or far past any budget, never near it, so that a run is
    // not decided by the machine's speed: {1..10} x 4 takes ~0.5 s, x 5 ~8 s, x 6 minutes.
    case 0: {
      const k = b.scaled('braces', rng.pick([3, 4, 6, 7]));
      return `${DIR}/x${'{1..10}'.repeat(k)}`;
    }
    case 1: {
      const k = b.scaled('braces', rng.pick([8, 12, 20, 24]));
      return `${DIR}/${'{a,b}'.repeat(k)}.log`;
    }
    case 2: {
      const n = b.scaled('range', rng.logInt(1000, 10_000_000));
      return `${DIR}/{1..${n}}.log`;
    }
    case 3: {
      const k = b.scaled('depth', rng.int(100, 5000));
      return `${DIR}/${'{a,'.repeat(k)}b${'}'.repeat(k)}`;
    }
    case 4: {
      const k = b.scaled('braces', rng.pick([2, 4, 5]));
      return `${DIR}/${'{a..z}'.repeat(k)}`;
    }
    case 5:
      return `${DIR}/{1..10..0}{a..Z}{-5..5}{1..3..-1}`;
    default: {
      const k = b.scaled('parts', rng.pick([2, 4, 5]));
      return `${DIR}/**/${'{x,y,z}{1..9}'.repeat(k)}/*.log`;
    }
  }
}

function oddPattern(rng: Rng): string {
  return rng.pick([
    `${DIR}/[`,
    `${DIR}/[z-a].log`,
    `${DIR}/*.{log`,
    `${DIR}/**`,
    `${DIR}/**/**/**/*`,
    `${DIR}/loop/**/*.log`,
    `${DIR}/@(a|b).log`,
    `${DIR}/!(a).log`,
    `${DIR}/+(a|b|(c|(d|(e))))`,
    `${DIR}/${'*'.repeat(rng.int(10, 5000))}`,
    `${DIR}/${'**/'.repeat(rng.int(10, 500))}a.log`,
    `${DIR}/${'?'.repeat(rng.int(10, 2000))}`,
    `${DIR}/${'[a-z]'.repeat(rng.int(10, 2000))}`,
    `${DIR}/${'(a|'.repeat(rng.int(10, 2000))}`,
    `${DIR}/a.log/*`,
    `${DIR}/\\*.log`,
    `${DIR}/*.log\\`,
  ]);
}

function plainSpec(rng: Rng): string {
  return rng.pick([
    `${DIR}/a.log`,
    `${DIR}/missing.log`,
    `${DIR}/missing/dir/`,
    `${DIR}/a.log/`,
    `${DIR}/a.log/x`,
    `${DIR}/sub`,
    `${DIR}/sub/`,
    `${DIR}/empty`,
    `${DIR}/empty.log`,
    `${DIR}/loop`,
    `${DIR}`,
    `${DIR}/sub/../a.log`,
    `${DIR}/*.log`,
    `${DIR}/sub/**/*.json`,
    '',
    ' ',
    `${DIR}/${'x'.repeat(300)}`,
    `${DIR}/${'d/'.repeat(2000)}x`,
    `${DIR}/sp ace.log`,
  ]);
}

export const inputsGenerator: Generator = {
  kind: 'inputs',
  hostileShapes: ['brace-glob', 'odd-pattern'],
  generate(b, hostileShape) {
    const rng = b.rng;
    b.file('a.log', joinLines(rng, linesOf(rng, 'combined', rng.int(1, 5))));
    b.file('sp ace.log', joinLines(rng, linesOf(rng, 'common', 2)));
    b.file('empty.log', '');
    b.file('sub/b.log', joinLines(rng, linesOf(rng, 'combined', 2)));
    b.file('sub/deeper/c.json', joinLines(rng, linesOf(rng, 'json', 2)));
    b.file('sub/deeper/x1/y2.log', joinLines(rng, linesOf(rng, 'combined', 1)));
    b.dirs.push('empty');
    b.links.push({ name: 'loop/self', target: '..' }, { name: 'loop/a.log', target: '../a.log' }, { name: 'dangling.log', target: 'nowhere' });
    const specs: string[] = [];
    if (hostileShape === 'brace-glob') specs.push(braceGlob(b, rng));
    else if (hostileShape === 'odd-pattern') specs.push(oddPattern(rng));
    for (let n = hostileShape === null ? rng.int(1, 4) : rng.int(0, 1); n > 0; n--) {
      specs.push(rng.chance(0.25) ? oddPattern(rng) : plainSpec(rng));
    }
    if (rng.chance(0.2) && specs.length > 0) specs.push(specs[0]!);
    b.shape = hostileShape !== null ? `hostile:${hostileShape}` : 'specs';
    b.setQuery(rng.pick(QUERIES), rng.chance(0.2) ? ['--format', rng.pick(['combined', 'json', 'common'])] : [], specs);
  },
};
