import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputError } from '../src/core/errors.js';
import { STDIN_SOURCE, type Source } from '../src/core/source.js';
import { findSources } from '../src/io/find.js';
import { describeFsError } from '../src/io/fs-errors.js';

/**
 * root/
 *   .hidden.log  a.log  a/x.log  b.log  linked.log -> b.log  notes.txt
 *   sub/c.log  sub/deeper/d.log
 *   link-to-sub -> sub   loop -> .   dangling -> nowhere
 */
let root: string;
const sizes = new Map<string, number>();

function write(relative: string, text: string): void {
  writeFileSync(join(root, relative), text);
  sizes.set(relative, text.length);
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'logsift-io-find-'));
  mkdirSync(join(root, 'a'));
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  write('.hidden.log', 'h\n');
  write('a.log', 'aa\n');
  write('a/x.log', 'xxx\n');
  write('b.log', 'bbbb\n');
  write('notes.txt', 'n\n');
  write('sub/c.log', 'ccccc\n');
  write('sub/deeper/d.log', 'dddddd\n');
  symlinkSync('b.log', join(root, 'linked.log'));
  symlinkSync('sub', join(root, 'link-to-sub'));
  symlinkSync('.', join(root, 'loop'));
  symlinkSync('nowhere', join(root, 'dangling'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

type Event = { source: Source } | { error: InputError };

/** Runs findSources, recording sources and errors in the order they happen. */
async function find(specs: string[]): Promise<{ events: Event[]; names: string[]; errors: string[] }> {
  const events: Event[] = [];
  for await (const source of findSources(specs, { onError: (error) => events.push({ error }) })) {
    events.push({ source });
  }
  const names = events.flatMap((event) => ('source' in event ? [event.source.name] : []));
  const errors = events.flatMap((event) => ('error' in event ? [event.error.message] : []));
  return { events, names, errors };
}

const at = (relative: string): string => join(root, relative);

describe('findSources', () => {
  test('"-" is standard input', async () => {
    const { events } = await find(['-']);
    assert.deepEqual(events, [{ source: STDIN_SOURCE }]);
    assert.equal((events[0] as { source: Source }).source, STDIN_SOURCE);
  });

  test('files come out in the order given, with their size', async () => {
    const { events } = await find([at('b.log'), at('a.log')]);
    assert.deepEqual(events, [
      { source: { name: at('b.log'), path: at('b.log'), size: 5 } },
      { source: { name: at('a.log'), path: at('a.log'), size: 3 } },
    ]);
  });

  test('a directory: every file below it, hidden ones too, sorted by full path; linked dirs not followed', async () => {
    const { names, errors } = await find([root]);
    const expected = [
      '.hidden.log',
      'a.log', // before a/x.log: '.' (0x2e) sorts before '/' (0x2f)
      'a/x.log',
      'b.log',
      'linked.log', // a link to a file is followed
      'notes.txt',
      'sub/c.log',
      'sub/deeper/d.log',
    ].map(at);
    assert.deepEqual(names, expected);
    assert.deepEqual([...names].sort(), names, 'plain code-unit order of the full paths');
    assert.deepEqual(errors, [], 'the dangling link is skipped quietly');
  });

  test('directory sources carry the size from stat, following links', async () => {
    const { events } = await find([join(root, 'sub')]);
    assert.deepEqual(events, [
      { source: { name: at('sub/c.log'), path: at('sub/c.log'), size: 6 } },
      { source: { name: at('sub/deeper/d.log'), path: at('sub/deeper/d.log'), size: 7 } },
    ]);
    const linked = (await find([root])).events.find((event) => 'source' in event && event.source.name === at('linked.log'));
    assert.deepEqual(linked, { source: { name: at('linked.log'), path: at('linked.log'), size: sizes.get('b.log') } });
  });

  test('a trailing slash on the directory is kept as typed, not doubled', async () => {
    const { names } = await find([`${join(root, 'sub')}/`]);
    assert.deepEqual(names, [at('sub/c.log'), at('sub/deeper/d.log')]);
  });

  test('a quoted glob with ** is expanded by logsift, sorted, hidden names skipped like a shell', async () => {
    const { names, errors } = await find([`${root}/**/*.log`]);
    assert.deepEqual(names, ['a.log', 'a/x.log', 'b.log', 'linked.log', 'sub/c.log', 'sub/deeper/d.log'].map(at));
    assert.deepEqual(errors, []);
  });

  test('globs with ?, [] and {} work too', async () => {
    assert.deepEqual((await find([`${root}/?.log`])).names, [at('a.log'), at('b.log')]);
    assert.deepEqual((await find([`${root}/[b].log`])).names, [at('b.log')]);
    assert.deepEqual((await find([`${root}/{sub,a}/*.log`])).names, [at('a/x.log'), at('sub/c.log')]);
  });

  test('a glob that matches nothing is reported, once, under the pattern', async () => {
    const pattern = `${root}/**/*.nothing`;
    const { events } = await find([pattern]);
    assert.equal(events.length, 1);
    const { error } = events[0] as { error: InputError };
    assert.equal(error.source, pattern);
    assert.equal(error.message, `${pattern}: no files match this pattern`);
  });

  test('an existing path with glob characters is taken literally', async () => {
    const literal = at('weird[1].log');
    writeFileSync(literal, 'w\n');
    try {
      assert.deepEqual((await find([literal])).names, [literal]);
    } finally {
      rmSync(literal);
    }
  });

  test('a missing path is reported and finding goes on', async () => {
    const missing = at('missing.log');
    const { names, errors } = await find([missing, at('a.log')]);
    assert.deepEqual(errors, [`${missing}: no such file or directory`]);
    assert.deepEqual(names, [at('a.log')]);
  });

  test('mixed specs keep their order, errors included', async () => {
    const missing = at('missing.log');
    const { events } = await find([at('b.log'), '-', missing, join(root, 'a'), `${root}/sub/*.log`, `${root}/*.none`]);
    const summary = events.map((event) => ('source' in event ? event.source.name : `error: ${event.error.message}`));
    assert.deepEqual(summary, [
      at('b.log'),
      '-',
      `error: ${missing}: no such file or directory`,
      at('a/x.log'),
      at('sub/c.log'),
      `error: ${root}/*.none: no files match this pattern`,
    ]);
  });

  test('an unreadable file or directory is "permission denied"', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('running as root: root can read chmod-000 files and directories, so there is no error to observe');
      return;
    }
    const lockedFile = at('locked.log');
    const lockedDir = at('locked-dir');
    writeFileSync(lockedFile, 'secret\n');
    mkdirSync(lockedDir);
    writeFileSync(join(lockedDir, 'inside.log'), 'x\n');
    chmodSync(lockedFile, 0o000);
    chmodSync(lockedDir, 0o000);
    try {
      const direct = await find([lockedFile]);
      assert.deepEqual(direct.errors, [`${lockedFile}: permission denied`]);
      const walked = await find([root]);
      assert.ok(walked.errors.includes(`${lockedFile}: permission denied`));
      assert.ok(walked.errors.includes(`${lockedDir}: permission denied`));
      assert.ok(walked.names.includes(at('b.log')), 'the rest of the tree is still found');
    } finally {
      chmodSync(lockedDir, 0o700);
      rmSync(lockedDir, { recursive: true });
      rmSync(lockedFile);
    }
  });
});

describe('describeFsError', () => {
  test('maps error codes to short reasons, never a stack', () => {
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'EACCES' })), 'permission denied');
    assert.equal(describeFsError(Object.assign(new Error('x'), { code: 'ENOENT' })), 'no such file or directory');
    assert.equal(describeFsError(new Error("EFOO: something odd happened, open '/x'")), 'something odd happened');
    assert.equal(describeFsError(new Error('first line\n    at stack frame')), 'first line');
  });
});
