/**
 * A program that keeps known amounts in known functions, for the tracer's accuracy: the test
 * suite and the bench run it and compare what logsift trace reports per function with the truth
 * the program measures itself (heap in use after forced collections, before and after each
 * function builds what it keeps; array-buffer memory for Buffers). Everything stays reachable
 * from globalThis until exit, so the capture at exit sees it all.
 *
 * With `library` the program traces itself through `logsift/trace` (given as a file URL, since
 * the program is written to a temporary folder outside the package) and prints what its own
 * snapshot says next to the truth.
 */
export const KNOWN_FUNCTIONS = ['keepStrings', 'keepObjects', 'keepArrays', 'keepBuffers'] as const;

export type KnownFunction = (typeof KNOWN_FUNCTIONS)[number];

/** The program's output: the truth per function, and with `library` the library's own figures. */
export interface KnownOutput {
  readonly truth: Record<KnownFunction, number>;
  readonly library?: Record<KnownFunction, number>;
}

export function knownProgram(options: { library?: string; scale?: number; objects?: number; buffers?: number; interval?: number } = {}): string {
  const scale = options.scale ?? 1;
  // Objects and Buffers are few samples each at the default interval; tests ask for more of them
  // so that sampling noise stays well inside the tolerance.
  const objects = Math.round(200_000 * scale * (options.objects ?? 1));
  const buffers = Math.round(200 * scale * (options.buffers ?? 1));
  return `
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
${options.library ? `import { start, takeSnapshot } from ${JSON.stringify(options.library)};\nstart(${options.interval ? `{ interval: ${options.interval} }` : ''});` : ''}
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const heap = () => { gc(); gc(); return getHeapStatistics().used_heap_size; };
const offHeap = () => { gc(); gc(); return process.memoryUsage().arrayBuffers; };
const N = ${Math.round(200_000 * scale)};
function keepStrings() { const a = []; for (let i = 0; i < N; i++) a.push(String(i).padStart(100, 'x')); return a; }
function keepObjects() { const a = []; for (let i = 0; i < ${objects}; i++) a.push({ a: i, b: i + 1, c: i + 2, d: i + 3 }); return a; }
function keepArrays() { const a = []; for (let i = 0; i < N / 10; i++) a.push(new Array(64).fill(i)); return a; }
function keepBuffers() { const a = []; for (let i = 0; i < ${buffers}; i++) a.push(Buffer.alloc(64 * 1024, i)); return a; }
const kept = (globalThis.kept = {});
const truth = {};
for (const f of [keepStrings, keepObjects, keepArrays]) { const h = heap(); kept[f.name] = f(); truth[f.name] = heap() - h; }
{ const b = offHeap(); kept.keepBuffers = keepBuffers(); truth.keepBuffers = offHeap() - b; }
const out = { truth };
${
  options.library
    ? `const stats = (await takeSnapshot()).statistics('lineno');
out.library = {};
for (const name of Object.keys(truth)) out.library[name] = stats.filter((s) => s.function === name).reduce((n, s) => n + s.size, 0);`
    : ''
}
process.stdout.write(JSON.stringify(out) + '\\n');
`;
}

/** A site's bytes summed over its rows (a function's own allocations and those of builtins on its behalf). */
export function sizeOf(rows: readonly { function: string; size: number }[], fn: string): number {
  return rows.filter((r) => r.function === fn).reduce((n, r) => n + r.size, 0);
}
