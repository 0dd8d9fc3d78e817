import type { CpuProfile } from './cpu-profile.js';
import type { Frame } from './frames.js';
import type { Trace } from './trace.js';

/**
 * Collapsed ("folded") stacks, one line per stack, root first: `main;parse;split 1234`. Brendan
 * Gregg's flame graph tools and speedscope read them. Names carry the file and line, so two
 * functions of one name stay apart; `;` and line ends inside names are replaced.
 */
function frameName(f: Frame): string {
  const where = f.file === '' ? '' : ` (${f.file}${f.line > 0 ? `:${f.line}` : ''})`;
  return `${f.function}${where}`.replace(/[;\r\n]/g, '_');
}

/** CPU time per stack in microseconds. */
export function collapsedCpu(profile: CpuProfile): string {
  const weights = new Map<string, number>();
  profile.forEachStack((frames, us) => {
    const key = frames.map(frameName).join(';');
    weights.set(key, (weights.get(key) ?? 0) + us);
  });
  return linesOf(weights);
}

/** Live bytes per stack (traces' frames are innermost first). */
export function collapsedHeap(traces: readonly Trace[]): string {
  const weights = new Map<string, number>();
  for (const t of traces) {
    const key = [...t.frames].reverse().map(frameName).join(';') + (t.offHeap ? ';(Buffer contents)' : '');
    weights.set(key, (weights.get(key) ?? 0) + t.size);
  }
  return linesOf(weights);
}

function linesOf(weights: Map<string, number>): string {
  let out = '';
  for (const [stack, w] of weights) {
    const n = Math.round(w);
    if (n > 0 && stack !== '') out += `${stack} ${n}\n`;
  }
  return out;
}
