import type { Frame } from './frames.js';

/**
 * Memory live at one moment, held by one stack: tracemalloc's "trace". `frames` are innermost
 * first and include the hidden ones (builtins, Node's modules, logsift's), which decide `via`.
 */
export interface Trace {
  readonly frames: readonly Frame[];
  /** Estimated bytes (sampling weights applied). */
  readonly size: number;
  /** Estimated number of allocations. */
  readonly count: number;
  /** Bytes outside V8's heap (a Buffer's contents), seen by logsift's Buffer sampler. */
  readonly offHeap: boolean;
}
