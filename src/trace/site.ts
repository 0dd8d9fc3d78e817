import { ANONYMOUS, viaName, type Frame } from './frames.js';
import { isPassThroughFile } from './buffer-pass-through.js';
import { TRACER_DIRS, isUnder } from './own-files.js';
import type { FileTest } from './file-patterns.js';

/** Where an allocation is charged: the index of its site in the stack, and what allocated on its behalf. */
export interface SiteChoice {
  readonly index: number;
  /** The hidden frame the site called that led to the allocation (`split`, `Buffer.alloc`), if any. */
  readonly via: string | undefined;
}

/**
 * The site of a stack (innermost frame first): the nearest frame whose file is visible, that is the
 * nearest function of the program's own code. The hidden frame right below it names the builtin
 * or library call that did the allocating (`via`), so `parse via split` and `parse` (its own
 * objects) are told apart. The tracer's own wrappers and nameless frames are never `via`.
 * Undefined when no frame is visible (Node's own start-up, for instance).
 */
export function chooseSite(frames: readonly Frame[], visible: FileTest): SiteChoice | undefined {
  if (isTracerOwn(frames)) return undefined;
  const index = frames.findIndex((f) => visible(f.file));
  if (index < 0) return undefined;
  for (let i = index - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.function === ANONYMOUS || f.function === '' || isUnder(f.file, TRACER_DIRS)) continue;
    return { index, via: viaName(f) };
  }
  return { index, via: undefined };
}

/**
 * Whether the tracer itself made this allocation (its sample records, stacks, registry cells): the
 * innermost tracer frame is one of its own functions rather than the pass-through that stands in
 * for a Buffer static. Like tracemalloc, the tracer leaves its own memory out of the statistics.
 */
function isTracerOwn(frames: readonly Frame[]): boolean {
  for (const f of frames) {
    if (isPassThroughFile(f.file)) return false;
    if (isUnder(f.file, TRACER_DIRS)) return true;
  }
  return false;
}
