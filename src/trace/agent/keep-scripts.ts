import Module from 'node:module';

const KEEP = Symbol.for('logsift.trace.scripts');

type Wrappable = typeof Module & { wrap(content: string): string };

/**
 * Keeps every CommonJS module's script alive while the program is traced. V8's heap profile
 * names a function's file and line by looking its script up when the profile is read; a
 * CommonJS module whose functions have all become unreachable (a batch script whose top level
 * has run) loses its script at the next full collection, and then its sites have no file or line.
 * An ES module's script stays reachable from the module record, so only CommonJS needs this.
 *
 * `Module.wrap` is the hook Node offers for it: with it set, the script evaluates a comma
 * expression whose first part hands a small function of the same script to a list here, and
 * whose value is the usual module wrapper. The module's own text is untouched (so a "use strict"
 * directive stays a directive) and its lines stay where they were.
 */
export function keepCommonJsScripts(): void {
  const kept: unknown[] = [];
  Object.defineProperty(globalThis, KEEP, { value: (f: unknown) => void kept.push(f), configurable: true, enumerable: false });
  const m = Module as Wrappable;
  const original = m.wrap.bind(m);
  const keep = `globalThis[Symbol.for(${JSON.stringify(KEEP.description)})](() => 0)`;
  // A #! line is allowed only at the very start of a script: inside the wrapper it becomes a
  // comment of the same length, so lines and columns stay.
  m.wrap = (content: string): string => {
    const text = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    return `(${keep}, ${original(text).replace(/;\s*$/, '')});`;
  };
}
