import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { posix, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layer rule of ARCHITECTURE.md and DESIGN.md ("Layers"): a file of src/ may import only
 * from its own folder or from the folders listed before its own. Files directly in src/ (the
 * public API) may import anything. The imports are read from the TypeScript sources, not from
 * dist, so type-only imports count too: they are a dependency of the design even though they
 * vanish from the JavaScript.
 */

/** From the top (imported by everything) down. Folders not created yet are listed so they are checked when they appear. */
const LAYERS = [
  'core',
  'io',
  'formats',
  // Aggregates come before the query language: its parser and type checker read their registry.
  'aggregates',
  'query',
  'operators',
  'stages',
  'output',
  'profile',
  'engine',
  'trace',
  'inspector',
  'cli',
] as const;

/** The sources, found from dist/test/ so the test reads what the engineers edit. */
const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Reading imports. A tokenizer rather than a regular expression over the text: comments, strings
// and regex literals can all hold text that looks like an import ('from "../x.js"' in a comment,
// "//" in a URL, a quote inside /['"]/), and only a scan that knows where each of them ends stays
// in step with the code.

type Token = { readonly kind: 'word' | 'string' | 'punct' | 'opaque'; readonly text: string };

/** Keywords after which a `/` starts a regex literal rather than a division. */
const BEFORE_REGEX = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do',
  'else', 'yield', 'await',
]);

const WORD_CHAR = /[\p{ID_Continue}$\u200c\u200d]/u;

/** The index just after a quoted string starting at `start` (or the line's end, if unterminated). */
function quotedEnd(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * Scans template text from `start` up to its closing backquote or its next `${`. Returns the index
 * after it and whether a substitution was opened (the code inside is tokenized as code).
 */
function templateEnd(text: string, start: number): { end: number; opened: boolean } {
  let i = start;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '`') return { end: i + 1, opened: false };
    else if (text[i] === '$' && text[i + 1] === '{') return { end: i + 2, opened: true };
    else i++;
  }
  return { end: i, opened: false };
}

/** The index after a line or block comment starting at `start`. */
function commentEnd(text: string, start: number): number {
  const block = text[start + 1] === '*';
  const end = block ? text.indexOf('*/', start + 2) : text.indexOf('\n', start);
  if (end < 0) return text.length;
  return block ? end + 2 : end;
}

/** The index after a regex literal starting at `start`: a `/` inside [...] does not end it. */
function regexEnd(text: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < text.length && text[i] !== '\n') {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  i++;
  while (i < text.length && WORD_CHAR.test(text[i]!)) i++; // flags
  return i;
}

/** Whether a `/` after `prev` starts a regex: not after a value (a name, a literal, `)` or `]`). */
function startsRegex(prev: Token | undefined): boolean {
  if (prev === undefined) return true;
  if (prev.kind === 'word') return BEFORE_REGEX.has(prev.text);
  if (prev.kind === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
  return false;
}

/**
 * Splits TypeScript source into words, string literals (their text without quotes), single
 * punctuation characters, and opaque tokens (templates, regexes). Comments are dropped.
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const resume: number[] = []; // brace depth at which each open `${` goes back to its template
  let depth = 0;
  let i = 0;
  const template = (from: number) => {
    const { end, opened } = templateEnd(text, from);
    if (opened) resume.push(depth);
    tokens.push(opened ? { kind: 'punct', text: '${' } : { kind: 'opaque', text: '`' });
    i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (/\s/.test(c)) i++;
    else if (c === '/' && (next === '/' || next === '*')) i = commentEnd(text, i);
    else if (c === '"' || c === "'") {
      const end = quotedEnd(text, i);
      tokens.push({ kind: 'string', text: text.slice(i + 1, end - 1) });
      i = end;
    } else if (c === '`') template(i + 1);
    else if (c === '}' && resume.at(-1) === depth) {
      resume.pop();
      template(i + 1);
    } else if (c === '/' && startsRegex(tokens.at(-1))) {
      const end = regexEnd(text, i);
      tokens.push({ kind: 'opaque', text: text.slice(i, end) });
      i = end;
    } else if (WORD_CHAR.test(c)) {
      let end = i + 1;
      while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
      tokens.push({ kind: 'word', text: text.slice(i, end) });
      i = end;
    } else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

function is(token: Token | undefined, kind: Token['kind'], text?: string): boolean {
  return token !== undefined && token.kind === kind && (text === undefined || token.text === text);
}

/**
 * Walks an import or export clause (`type X`, `X, { a as b }`, `* as ns`, `{ "a-b" as c }`) from
 * `start` and returns the module after its `from`, or undefined if the tokens are not a clause
 * ending in `from '...'` (such as `export const x = ...`).
 */
function clauseSource(tokens: readonly Token[], start: number): string | undefined {
  let braces = 0;
  for (let j = start; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (braces === 0 && is(t, 'word', 'from') && is(tokens[j + 1], 'string')) return tokens[j + 1]!.text;
    if (is(t, 'punct', '{')) braces++;
    else if (is(t, 'punct', '}')) braces--;
    else if (!(is(t, 'word') || is(t, 'punct', ',') || is(t, 'punct', '*') || (braces > 0 && is(t, 'string')))) {
      return undefined;
    }
    if (braces < 0) return undefined;
  }
  return undefined;
}

/** The module of an `import` at `i`: a declaration, a side-effect import, `import('...')` or `import x = require('...')`. */
function importSource(tokens: readonly Token[], i: number): string | undefined {
  const next = tokens[i + 1];
  if (is(next, 'string')) return next!.text;
  if (is(next, 'punct', '(')) return is(tokens[i + 2], 'string') ? tokens[i + 2]!.text : undefined;
  if (is(next, 'punct', '.')) return undefined; // import.meta
  let eq = i + 1;
  while (is(tokens[eq], 'word')) eq++;
  if (is(tokens[eq], 'punct', '=') && is(tokens[eq + 1], 'word', 'require') && is(tokens[eq + 3], 'string')) {
    return tokens[eq + 3]!.text;
  }
  return clauseSource(tokens, i + 1);
}

/** The module of an `export` at `i` when it re-exports: `export * from`, `export { a } from`, `export type { A } from`. */
function exportSource(tokens: readonly Token[], i: number): string | undefined {
  const j = is(tokens[i + 1], 'word', 'type') ? i + 2 : i + 1;
  if (!is(tokens[j], 'punct', '*') && !is(tokens[j], 'punct', '{')) return undefined;
  return clauseSource(tokens, j);
}

/** Every module specifier that `source` imports or re-exports, in order, type-only ones included. */
function importsOf(source: string): string[] {
  const tokens = tokenize(source);
  const found: string[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || is(tokens[i - 1], 'punct', '.')) return; // x.import is a property
    const spec = t.text === 'import' ? importSource(tokens, i) : t.text === 'export' ? exportSource(tokens, i) : undefined;
    if (spec !== undefined) found.push(spec);
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// The rule.

/** The .ts files under src/, as paths relative to it ('core/batch.ts'), sorted for stable messages. */
function sourceFiles(): string[] {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.ts'))
    .map((p) => p.split(sep).join('/'))
    .sort();
}

/**
 * The file under src/ that a relative specifier of `from` names, or undefined for packages,
 * `node:` modules and anything outside src/ (the rule is between folders of src/). Specifiers
 * name the emitted .js; the source is the .ts beside it.
 */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), spec));
  if (target.startsWith('../')) return undefined;
  return target.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts');
}

/** The top folder of a path under src/, or undefined for the public API files directly in src/. */
function folderOf(file: string): string | undefined {
  const slash = file.indexOf('/');
  return slash < 0 ? undefined : file.slice(0, slash);
}

function rank(folder: string): number {
  return (LAYERS as readonly string[]).indexOf(folder);
}

/**
 * Why `from` may not import `to`, or undefined if it may. Folders missing from LAYERS are left to
 * their own test, so one missing row gives one clear message instead of one per import.
 */
function violation(from: string, to: string): string | undefined {
  const a = folderOf(from);
  const b = folderOf(to);
  if (a === undefined || a === b || rank(a) < 0) return undefined;
  if (b === undefined) return `${a} may not import the public API: src/${to} is below every layer`;
  if (rank(b) < 0 || rank(b) < rank(a)) return undefined;
  return `${a} may not import ${b}: ${b} is below ${a}`;
}

/** Every relative import of every source file, as [from, to] paths under src/. */
function edges(): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (const file of sourceFiles()) {
    for (const spec of importsOf(readFileSync(posix.join(srcDir, file), 'utf8'))) {
      const target = resolveImport(file, spec);
      if (target !== undefined) result.push([file, target]);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The parser, on sample text: if it missed imports, the rule would pass without checking them.

test('imports are read in every form: multi-line, type-only, re-exports, side effects, dynamic', () => {
  const source = [
    "import { a,",
    "  b as c,",
    "  type D,",
    "} from '../core/one.js';",
    "import type {X} from \"../core/two.js\";",
    "import Def, * as ns from '../core/three.js';",
    "import './side-effect.js';",
    "export * from '../io/four.js';",
    "export * as five from '../io/five.js';",
    "export { e, type F } from './six.js';",
    "export type { G } from '../query/seven.js';",
    "const m = await import('../engine/eight.js');",
    "type T = typeof import('../cli/nine.js');",
    "import { 'odd name' as odd } from './ten.js';",
    "import fs from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf(source), [
    '../core/one.js', '../core/two.js', '../core/three.js', './side-effect.js', '../io/four.js',
    '../io/five.js', './six.js', '../query/seven.js', '../engine/eight.js', '../cli/nine.js',
    './ten.js', 'node:fs',
  ]);
});

test('text that only looks like an import is ignored: comments, strings, templates, regexes', () => {
  const source = [
    "// import { x } from '../engine/a.js';",
    "/* export * from \"../cli/b.js\" */",
    "/**",
    " * Reads lines: import { lines } from '../io/lines.js'",
    " */",
    "const url = 'https://example.com/x'; import { real } from './real.js'; // from \"../x.js\"",
    "const s = \"import y from '../cli/c.js'\";",
    "const t = `export * from '../cli/d.js' ${ { k: \"}\" }.k } import('../cli/e.js')`;",
    "const re = /['\"`]/g; import { after } from './after-regex.js';",
    "const half = 10 / 2; const r = /[/'](\\/\\/) import '..\\/cli\\/f.js'/u; import './after.js';",
    "export const from = 1; export function g() { return import.meta.url; }",
    "obj.import('../cli/g.js');",
  ].join('\n');
  assert.deepEqual(importsOf(source), ['./real.js', './after-regex.js', './after.js']);
});

test('relative specifiers resolve to the .ts file under src/; packages and paths outside src/ do not', () => {
  assert.equal(resolveImport('core/batch.ts', '../formats/format.js'), 'formats/format.ts');
  assert.equal(resolveImport('formats/access/matcher.ts', '../../core/value.js'), 'core/value.ts');
  assert.equal(resolveImport('formats/access/matcher.ts', './template.js'), 'formats/access/template.ts');
  assert.equal(resolveImport('index.ts', './stages/context.js'), 'stages/context.ts');
  assert.equal(resolveImport('io/open.ts', 'node:fs'), undefined);
  assert.equal(resolveImport('io/open.ts', 'seek-bzip'), undefined);
  assert.equal(resolveImport('cli/run.ts', '../../package.json'), undefined);
});

test('the rule allows own folder and folders above, and names the layers of a violation', () => {
  assert.equal(violation('formats/access/matcher.ts', 'formats/format.ts'), undefined);
  assert.equal(violation('engine/plan.ts', 'core/batch.ts'), undefined);
  assert.equal(violation('index.ts', 'cli/main.ts'), undefined);
  assert.equal(violation('core/batch.ts', 'formats/format.ts'), 'core may not import formats: formats is below core');
  assert.equal(violation('io/cat.ts', 'stages/context.ts'), 'io may not import stages: stages is below io');
  assert.equal(violation('core/x.ts', 'index.ts'), 'core may not import the public API: src/index.ts is below every layer');
});

test('the parser finds at least every import that a line-by-line search finds in src/', () => {
  // A tokenizer that lost its place (a regex or template read wrongly) would drop the imports
  // after it and let violations through; the plain search cannot lose its place, only miss forms.
  const lineImport = /^(?:import|export)\b[^'"]*?\bfrom\s*(['"])(.+?)\1|^import\s*(['"])(.+?)\3|^\}\s*from\s*(['"])(.+?)\5/gm;
  let seen = 0;
  for (const file of sourceFiles()) {
    const text = readFileSync(posix.join(srcDir, file), 'utf8');
    const parsed = importsOf(text);
    for (const m of text.matchAll(lineImport)) {
      const spec = m[2] ?? m[4] ?? m[6]!;
      assert.ok(parsed.includes(spec), `src/${file}: the parser missed '${spec}'`);
      seen++;
    }
  }
  assert.ok(seen > 100, `only ${seen} imports found in ${srcDir}: is that the project's src/?`);
});

// ---------------------------------------------------------------------------------------------
// The rule, on src/.

test('every folder of src/ has a place in the layer table', () => {
  const folders = readdirSync(srcDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const missing = folders.filter((f) => rank(f) < 0).sort();
  assert.deepEqual(
    missing,
    [],
    `src/${missing.join('/, src/')}/ not in the layer table: add it to LAYERS in test/layers.test.ts at its place in the order (see ARCHITECTURE.md)`,
  );
});

test('no file of src/ imports from a layer below its own', () => {
  const found: string[] = [];
  for (const [from, to] of edges()) {
    const why = violation(from, to);
    if (why !== undefined) found.push(`src/${from} -> src/${to} (${why})`);
  }
  assert.deepEqual(found, [], `${found.length} imports break the layer order (${LAYERS.join(' > ')}):\n  ${found.join('\n  ')}`);
});
