import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MappingLines, type MappedPosition } from '../src/trace/source-map-lines.js';
import { SourceMapper, type Position } from '../src/trace/source-maps.js';
import { projectRoot } from './support/cli.js';
import { seededRandom as random } from './support/random.js';
import { withTempDir } from './support/temp-dir.js';

/**
 * MappingLines (the lazy decoder of a source map's mappings) against node's module.SourceMap,
 * which decodes the whole map up front: on every line they must agree wherever findEntry answers
 * with a mapping of the line asked about. Then the edge cases of the format, and SourceMapper's
 * answers against what it answered when it was built on module.SourceMap.
 */

const BUNDLE = join(projectRoot, 'dist', 'logsift.mjs');
const BUNDLE_MAP = `${BUNDLE}.map`;

// ---------------------------------------------------------------------------------------------
// Building maps by hand: the test's own Base64 VLQ encoder (arithmetic, not bit operations, so it
// shares no trick with the decoder under test).

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function vlq(n: number): string {
  let rest = n < 0 ? -n * 2 + 1 : n * 2;
  let out = '';
  do {
    const digit = rest % 32;
    rest = Math.floor(rest / 32);
    out += BASE64[rest > 0 ? digit + 32 : digit];
  } while (rest > 0);
  return out;
}

/** A segment with absolute values: [generated column] or [column, source, line, column(, name)]. */
type Segment = readonly [number] | readonly [number, number, number, number] | readonly [number, number, number, number, number];

/** The `mappings` of lines of segments: the generated column relative within a line, the rest across the map. */
function encodeMappings(lines: readonly (readonly Segment[])[]): string {
  const state = [0, 0, 0, 0];
  return lines
    .map((segments) => {
      let generated = 0;
      return segments
        .map((seg) => {
          let text = vlq(seg[0] - generated);
          generated = seg[0];
          for (let f = 1; f < seg.length; f++) {
            text += vlq(seg[f]! - state[f - 1]!);
            state[f - 1] = seg[f]!;
          }
          return text;
        })
        .join(',');
    })
    .join(';');
}


/** A map of `lineCount` lines: empty lines, 1-, 4- and 5-field segments, big values, jumps back and forth. */
function randomMap(seed: number, lineCount: number): SourceMapPayload {
  const next = random(seed);
  const int = (n: number): number => Math.floor(next() * n);
  const sources = ['a.ts', 'b.ts', 'c.ts', 'd.ts'];
  const names = ['x', 'y', 'z'];
  const lines: Segment[][] = [];
  for (let l = 0; l < lineCount; l++) {
    const segments: Segment[] = [];
    if (next() >= 0.15) {
      let column = int(8); // often past 0: columns before the first segment
      const count = 1 + int(next() < 0.1 ? 60 : 6);
      for (let s = 0; s < count; s++) {
        const r = next();
        const original = next() < 0.05 ? int(100_000) : int(300); // multi-digit values, large negative deltas
        if (r < 0.1) segments.push([column]);
        else if (r < 0.3) segments.push([column, int(sources.length), original, int(120), int(names.length)]);
        else segments.push([column, int(sources.length), original, int(120)]);
        column += 1 + int(next() < 0.05 ? 5000 : 20);
      }
    }
    lines.push(segments);
  }
  // node's SourceMap misreads a 1-field segment that ends the whole string (it reads on past the
  // end and invents a source): end on one with a source so the two decoders meet on what they share.
  lines.push([[0, 0, 0, 0]]);
  return { version: 3, file: 'out.js', sourceRoot: '', sources, sourcesContent: [], names, mappings: encodeMappings(lines) };
}

// ---------------------------------------------------------------------------------------------
// The comparison with module.SourceMap.

interface NodeEntry {
  generatedLine?: number;
  generatedColumn?: number;
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
}

type Answer = { source: string; line: number; column: number } | undefined;

function fromNode(e: NodeEntry, line0: number): Answer {
  if (e.generatedLine !== line0 || e.originalSource === undefined) return undefined;
  return { source: e.originalSource, line: e.originalLine!, column: e.originalColumn! };
}

function fromLines(e: MappedPosition | undefined, sources: readonly string[]): Answer {
  return e === undefined ? undefined : { source: sources[e.originalSource]!, line: e.originalLine, column: e.originalColumn };
}

/**
 * Asks both decoders about every line at a spread of columns (from before the first segment to
 * past the last) and at both sides of every segment start findEntry names; also asks what the
 * last segment before each line is. Returns the positions compared; fails on the first few
 * disagreements.
 */
function compareWithNode(payload: SourceMapPayload, lineLengths?: readonly number[]): number {
  const node = new SourceMap(payload);
  const lines = new MappingLines(payload.mappings, payload.sources.length);
  const lineCount = payload.mappings.split(';').length;
  assert.equal(lines.lineCount, lineCount, 'every line of a well-formed map is readable');
  const wrong: string[] = [];
  let compared = 0;
  const ask = (line0: number, column0: number): NodeEntry => {
    const expected = node.findEntry(line0, column0) as NodeEntry;
    const got = lines.entryAt(line0, column0);
    compared++;
    // segmentAt tells a segment without a source (null) from no segment on the line (undefined).
    const segment = lines.segmentAt(line0, column0);
    const kind = expected.generatedLine !== line0 ? undefined : expected.originalSource === undefined ? null : 'entry';
    const agree = isDeepStrictEqual(fromLines(got, payload.sources), fromNode(expected, line0)) && (segment === null || segment === undefined ? segment : 'entry') === kind;
    if (!agree && wrong.length < 5) wrong.push(`line ${line0} column ${column0}: node ${JSON.stringify(expected)}, MappingLines ${JSON.stringify(got)} / ${JSON.stringify(segment)}`);
    return expected;
  };
  for (let line0 = 0; line0 < lineCount + 2; line0++) {
    const length = lineLengths?.[line0] ?? 400;
    const columns = new Set([0, 1, 2, 3, 5, 8, 13, 21, 40, 80, 160, 320, Math.floor(length / 2), length - 1, length, length + 50, 1e6]);
    for (const column0 of columns) {
      if (column0 < 0) continue;
      const e = ask(line0, column0);
      if (e.generatedLine === line0 && e.generatedColumn !== undefined) {
        ask(line0, e.generatedColumn);
        if (e.generatedColumn > 0) ask(line0, e.generatedColumn - 1);
      }
    }
    // Column -1 is before every segment of the line: findEntry names the last one before it.
    const before = node.findEntry(line0, -1) as NodeEntry;
    const sourced = before.generatedLine !== undefined && before.generatedLine < line0 && before.originalSource !== undefined;
    if (lines.sourcedBefore(line0) !== (line0 < lineCount && sourced) && wrong.length < 5) {
      wrong.push(`line ${line0}: sourcedBefore ${lines.sourcedBefore(line0)}, node's last mapping before ${JSON.stringify(before)}`);
    }
  }
  assert.deepEqual(wrong, [], `MappingLines disagrees with module.SourceMap:\n${wrong.join('\n')}`);
  return compared;
}

test('MappingLines answers as module.SourceMap.findEntry does on its own line, for the bundle logsift.mjs', (t) => {
  if (!existsSync(BUNDLE_MAP)) {
    t.skip(`${BUNDLE_MAP} is missing: npm run build makes it`);
    return;
  }
  const payload = JSON.parse(readFileSync(BUNDLE_MAP, 'utf8')) as SourceMapPayload;
  const lineLengths = readFileSync(BUNDLE, 'utf8')
    .split('\n')
    .map((l) => l.length);
  const compared = compareWithNode(payload, lineLengths);
  t.diagnostic(`${compared} positions compared`);
  assert.ok(compared > 100_000, `compared ${compared} positions`);
});

test('MappingLines answers as module.SourceMap.findEntry does on its own line, for maps built by hand', (t) => {
  let compared = 0;
  for (const seed of [1, 2, 3, 4, 5]) compared += compareWithNode(randomMap(seed, 400));
  t.diagnostic(`${compared} positions compared`);
  assert.ok(compared > 10_000, `compared ${compared} positions`);
});

// ---------------------------------------------------------------------------------------------
// Edge cases of the format.

function at(mappings: string, line0: number, column0: number, sourceCount = 3): MappedPosition | undefined {
  return new MappingLines(mappings, sourceCount).entryAt(line0, column0);
}

const pos = (originalSource: number, originalLine: number, originalColumn: number): MappedPosition => ({ originalSource, originalLine, originalColumn });

test('empty mappings, and lines past the end, map nothing', () => {
  const empty = new MappingLines('', 1);
  assert.equal(empty.lineCount, 1);
  assert.equal(empty.entryAt(0, 0), undefined);
  assert.equal(empty.entryAt(5, 0), undefined);
  assert.equal(empty.entryAt(-1, 0), undefined);
  assert.equal(empty.sourcedBefore(0), false);
  assert.equal(new MappingLines(';;;', 1).lineCount, 4);
  assert.equal(at('AAAA', 1, 0), undefined);
});

test('empty lines (;;) keep the running state for the lines after them', () => {
  const m = new MappingLines('AAAA;;ECEE;;;GAAG', 3);
  assert.equal(m.lineCount, 6);
  assert.deepEqual(m.entryAt(0, 0), pos(0, 0, 0));
  assert.equal(m.entryAt(1, 10), undefined);
  assert.deepEqual(m.entryAt(2, 2), pos(1, 2, 2));
  assert.equal(m.entryAt(2, 1), undefined, 'before the line’s first segment');
  assert.deepEqual(m.entryAt(5, 3), pos(1, 2, 5));
  assert.equal(m.sourcedBefore(0), false);
  assert.equal(m.sourcedBefore(1), true);
  assert.equal(m.sourcedBefore(5), true);
});

test('a 1-field segment maps its columns to nothing; the segments around it still map', () => {
  // Columns 0 (a.ts 0:0), 2 (no source), 4 (a.ts 1:1).
  const m = new MappingLines('AAAA,E,EACC;E', 3);
  assert.deepEqual(m.entryAt(0, 1), pos(0, 0, 0));
  assert.equal(m.entryAt(0, 2), undefined);
  assert.equal(m.entryAt(0, 3), undefined);
  assert.equal(m.segmentAt(0, 3), null, 'a segment is there, without a source');
  assert.deepEqual(m.entryAt(0, 4), pos(0, 1, 1));
  assert.deepEqual(m.entryAt(0, 99), pos(0, 1, 1));
  assert.equal(m.entryAt(1, 5), undefined, 'a line of only a 1-field segment');
  assert.equal(m.sourcedBefore(1), true);
  assert.equal(new MappingLines('AAAA,E;AAAA', 3).sourcedBefore(1), false, 'the last segment before line 1 has no source');
});

test('a name field (5 fields) is read past, and its delta does not leak into the other fields', () => {
  // a.ts 0:0 named 0; b.ts 3:4 named 2; then a 4-field segment.
  const m = new MappingLines('AAAAA,CCGIE,CAAC', 3);
  assert.deepEqual(m.entryAt(0, 0), pos(0, 0, 0));
  assert.deepEqual(m.entryAt(0, 1), pos(1, 3, 4));
  assert.deepEqual(m.entryAt(0, 2), pos(1, 3, 5));
});

test('negative deltas and multi-digit values decode to the right absolute positions', () => {
  const lines: Segment[][] = [
    [[5, 2, 100_000, 700], [9, 0, 3, 1]],
    [[0, 1, 2_147_483_647, 0]],
    [[40, 0, 0, 0], [1_000_000, 2, 17, 2_000_000]],
  ];
  const m = new MappingLines(encodeMappings(lines), 3);
  assert.deepEqual(m.entryAt(0, 6), pos(2, 100_000, 700));
  assert.deepEqual(m.entryAt(0, 9), pos(0, 3, 1));
  assert.deepEqual(m.entryAt(1, 0), pos(1, 2_147_483_647, 0));
  assert.equal(m.entryAt(2, 39), undefined);
  assert.deepEqual(m.entryAt(2, 999_999), pos(0, 0, 0));
  assert.deepEqual(m.entryAt(2, 1_000_000), pos(2, 17, 2_000_000));
  // Known encodings: C is 1, D is -1, gB is 16, hB is -16.
  assert.deepEqual(at('gBAgBgB,CAhBhB', 0, 16), pos(0, 16, 16));
  assert.deepEqual(at('gBAgBgB,CAhBhB', 0, 17), pos(0, 0, 0));
  assert.deepEqual(at('gBAgBgB,CADD', 0, 17), pos(0, 15, 15));
});

test('a source index outside sources maps nothing, as node answers no source', () => {
  assert.equal(at('AGAA', 0, 0, 3), undefined);
  assert.deepEqual(at('AGAA', 0, 0, 4), pos(3, 0, 0));
  assert.equal(at('ADAA', 0, 0, 3), undefined);
});

test('malformed mappings: the broken line and every later one map nothing, earlier lines still do', () => {
  const cases: readonly [string, string][] = [
    ['a character that is not Base64', 'AAAA;AA!A;AAAA'],
    ['a character beyond ASCII', 'AAAA;AAéA;AAAA'],
    ['a value cut short by the end of a segment', 'AAAA;AAAg,AAAA;AAAA'],
    ['a value cut short by the end of the string', 'AAAA;AAAg'],
    ['a segment of 2 fields', 'AAAA;CA;AAAA'],
    ['a segment of 3 fields', 'AAAA;CAA;AAAA'],
    ['a segment of 6 fields', 'AAAA;CAAAAA;AAAA'],
    ['a value of more than 32 bits', 'AAAA;C////////A,AA;AAAA'],
  ];
  for (const [what, mappings] of cases) {
    const m = new MappingLines(mappings, 3);
    assert.equal(m.lineCount, 1, what);
    assert.deepEqual(m.entryAt(0, 0), pos(0, 0, 0), what);
    assert.equal(m.entryAt(1, 0), undefined, what);
    assert.equal(m.entryAt(1, 5), undefined, what);
    assert.equal(m.entryAt(2, 0), undefined, what);
    assert.equal(m.sourcedBefore(2), false, what);
  }
  assert.equal(new MappingLines('!', 3).lineCount, 0);
  assert.equal(at('!', 0, 0), undefined);
});

test('segments out of column order: the greatest column at or before the asked one answers', () => {
  // Columns 10, 2, 6 (a generator that writes them so is odd, but legal).
  const m = new MappingLines('UAAA,RACA,IACA', 3);
  assert.equal(m.entryAt(0, 1), undefined);
  assert.deepEqual(m.entryAt(0, 3), pos(0, 1, 0));
  assert.deepEqual(m.entryAt(0, 7), pos(0, 2, 0));
  assert.deepEqual(m.entryAt(0, 10), pos(0, 0, 0));
});

// ---------------------------------------------------------------------------------------------
// SourceMapper: the same answers as when it was built on module.SourceMap.

/** SourceMapper.position as it was over module.SourceMap (the reference the decoder replaced). */
function formerPosition(map: SourceMap, lines: readonly string[], base: string, line: number, column: number): Position | undefined {
  const firstNonBlank = (text: string | undefined): number => {
    const i = text === undefined ? -1 : text.search(/\S/);
    return i < 0 ? 0 : i;
  };
  if (line <= 0) return undefined;
  const col = column > 0 ? column - 1 : firstNonBlank(lines[line - 1]);
  let entry = map.findEntry(line - 1, col) as NodeEntry;
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  if (entry.generatedLine !== line - 1) {
    entry = column > 0 ? (map.findEntry(line - 1, firstNonBlank(lines[line - 1])) as NodeEntry) : entry;
    if (entry.generatedLine !== line - 1 || entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  }
  return { file: resolve(base, entry.originalSource), line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
}

/** Positions (1-based; column 0 for "no column") over every line of a generated file, compared. */
function compareMapper(file: string, mapFile: string): number {
  const payload = JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload;
  const map = new SourceMap(payload);
  const lines = readFileSync(file, 'utf8').split('\n');
  const mapper = new SourceMapper();
  const wrong: string[] = [];
  let compared = 0;
  for (let line = 0; line <= lines.length + 1; line++) {
    const length = lines[line - 1]?.length ?? 10;
    const indent = lines[line - 1]?.search(/\S/) ?? 0;
    for (const column of new Set([0, 1, 2, 3, indent, indent + 1, indent + 2, 10, 30, Math.floor(length / 2), length, length + 5])) {
      const expected = formerPosition(map, lines, dirname(mapFile), line, column);
      const got = mapper.position(file, line, column);
      compared++;
      if (!isDeepStrictEqual(got, expected) && wrong.length < 5) wrong.push(`${line}:${column}: was ${JSON.stringify(expected)}, now ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(wrong, [], `SourceMapper answers differently:\n${wrong.join('\n')}`);
  return compared;
}

test('SourceMapper.position answers as it did over module.SourceMap, on the bundle logsift.mjs', (t) => {
  if (!existsSync(BUNDLE_MAP)) {
    t.skip(`${BUNDLE_MAP} is missing: npm run build makes it`);
    return;
  }
  const compared = compareMapper(BUNDLE, BUNDLE_MAP);
  t.diagnostic(`${compared} positions compared`);
  assert.ok(compared > 100_000);
});

function withDir(fn: (dir: string) => void): void {
  const { dir, done } = withTempDir('source-map');
  try {
    fn(dir);
  } finally {
    done();
  }
}

test('SourceMapper.position answers as it did over module.SourceMap, on indented code of a map built by hand', (t) => {
  withDir((dir) => {
    // Lines indented by 0-7 blanks whose segments start at their first non-blank column or after
    // it: positions in the indentation, at column 0 and before the first segment all occur.
    const next = random(42);
    const text: string[] = [];
    const mapLines: Segment[][] = [];
    for (let l = 0; l < 600; l++) {
      const indent = Math.floor(next() * 8);
      const length = indent + 5 + Math.floor(next() * 60);
      text.push(' '.repeat(indent) + 'x'.repeat(length - indent));
      const segments: Segment[] = [];
      if (next() > 0.2) {
        let column = indent + (next() < 0.5 ? 0 : Math.floor(next() * 4));
        while (column < length) {
          segments.push(next() < 0.1 ? [column] : [column, Math.floor(next() * 2), Math.floor(next() * 500), Math.floor(next() * 80)]);
          column += 1 + Math.floor(next() * 15);
        }
      }
      mapLines.push(segments);
    }
    mapLines.push([[0, 0, 0, 0]]); // see randomMap: not a 1-field segment at the very end
    text.push('x', '//# sourceMappingURL=out.js.map');
    const map: SourceMapPayload = { version: 3, file: 'out.js', sourceRoot: '', sources: ['src/a.ts', 'src/b.ts'], sourcesContent: [], names: [], mappings: encodeMappings(mapLines) };
    writeFileSync(join(dir, 'out.js'), text.join('\n'));
    writeFileSync(join(dir, 'out.js.map'), JSON.stringify(map));
    const compared = compareMapper(join(dir, 'out.js'), join(dir, 'out.js.map'));
    t.diagnostic(`${compared} positions compared`);
    assert.ok(compared > 5000);
  });
});

test('SourceMapper: data: URLs, embedded text, and unreadable or malformed maps leave positions generated', () => {
  withDir((dir) => {
    const map = { version: 3, sources: ['a.ts'], sourcesContent: ['let a = 1;\n'], names: [], mappings: 'AAAA;AACC' };
    const inline = `data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
    writeFileSync(join(dir, 'inline.js'), `let a = 1;\n  a++;\n//# sourceMappingURL=${inline}\n`);
    const mapper = new SourceMapper();
    assert.deepEqual(mapper.position(join(dir, 'inline.js'), 1, 1), { file: join(dir, 'a.ts'), line: 1, column: 1 });
    assert.deepEqual(mapper.position(join(dir, 'inline.js'), 2, 0), { file: join(dir, 'a.ts'), line: 2, column: 2 });
    assert.equal(mapper.embeddedText(join(dir, 'a.ts')), 'let a = 1;\n');
    assert.equal(mapper.position(join(dir, 'inline.js'), 3, 1), undefined);
    assert.equal(mapper.position(join(dir, 'inline.js'), 0, 1), undefined);
    // An inline map longer than any fixed tail (tsc --inlineSourceMap, esbuild --sourcemap=inline).
    const big = { ...map, sourcesContent: ['let a = 1;\n' + '// padding\n'.repeat(2000)] };
    const bigInline = `data:application/json;base64,${Buffer.from(JSON.stringify(big)).toString('base64')}`;
    assert.ok(bigInline.length > 20_000);
    writeFileSync(join(dir, 'big-inline.js'), `let a = 1;\n  a++;\n//# sourceMappingURL=${bigInline}\n`);
    assert.deepEqual(mapper.position(join(dir, 'big-inline.js'), 2, 0), { file: join(dir, 'a.ts'), line: 2, column: 2 });

    const broken: Record<string, string> = {
      'bad-vlq.js': JSON.stringify({ ...map, mappings: 'AA!A;AAAA' }),
      'no-mappings.js': JSON.stringify({ version: 3, sources: ['a.ts'], names: [] }),
      'number-mappings.js': JSON.stringify({ ...map, mappings: 5 }),
      'not-json.js': '{ "version": 3, ',
      'no-sources.js': JSON.stringify({ version: 3, names: [], mappings: 'AAAA' }),
    };
    for (const [name, body] of Object.entries(broken)) {
      writeFileSync(join(dir, `${name}.map`), body);
      writeFileSync(join(dir, name), `let a = 1;\n//# sourceMappingURL=${name}.map\n`);
      assert.equal(mapper.position(join(dir, name), 1, 1), undefined, name);
      assert.deepEqual(mapper.frame({ function: 'f', file: join(dir, name), line: 1, column: 1 }), { function: 'f', file: join(dir, name), line: 1, column: 1 }, name);
    }
    assert.equal(mapper.position(join(dir, 'missing.js'), 1, 1), undefined);
    assert.equal(mapper.position('relative.js', 1, 1), undefined);
  });
});
