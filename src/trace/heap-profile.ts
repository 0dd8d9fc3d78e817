import { frameOfCallFrame, type Frame, type V8CallFrame } from './frames.js';
import { heapSampleCount } from './sample-weight.js';
import type { Trace } from './trace.js';

/** V8's sampling heap profile (`HeapProfiler.getSamplingProfile`), the `.heapprofile` format. */
export interface V8HeapNode {
  readonly callFrame: V8CallFrame;
  readonly selfSize: number;
  readonly id: number;
  readonly children: readonly V8HeapNode[];
}

export interface V8HeapSample {
  /** Already scaled: the object's size times the number of allocations the sample stands for. */
  readonly size: number;
  readonly nodeId: number;
  /** Increases with every sample taken; stable across reads, so "since a mark" is `ordinal > mark`. */
  readonly ordinal: number;
}

export interface V8HeapProfile {
  readonly head: V8HeapNode;
  readonly samples: readonly V8HeapSample[];
}

/** Frames of a sample whose node V8 left out of the tree (seen rarely with allocation folding off). */
const UNKNOWN_STACK: readonly Frame[] = [{ function: '(unknown)', file: '', line: 0, column: 0 }];

/**
 * The stack of every node, innermost frame first, without V8's `(root)`. Walked with an explicit
 * stack: profiles of deep recursion are deep trees.
 */
function stacksOf(head: V8HeapNode): Map<number, readonly Frame[]> {
  const stacks = new Map<number, readonly Frame[]>();
  const todo: Array<{ node: V8HeapNode; outer: readonly Frame[] }> = [{ node: head, outer: [] }];
  while (todo.length > 0) {
    const { node, outer } = todo.pop()!;
    const isRoot = node === head && node.callFrame.functionName === '(root)';
    const frames = isRoot ? outer : [frameOfCallFrame(node.callFrame), ...outer];
    stacks.set(node.id, frames);
    for (const child of node.children) todo.push({ node: child, outer: frames });
  }
  return stacks;
}

/**
 * The live heap of a sampling profile as traces: one per stack that holds samples, with the
 * estimated bytes and number of objects. `sinceOrdinal` keeps only samples taken after a mark.
 */
export function tracesOfHeapProfile(profile: V8HeapProfile, interval: number, sinceOrdinal = -1): Trace[] {
  const stacks = stacksOf(profile.head);
  const byNode = new Map<number, { size: number; count: number }>();
  for (const s of profile.samples) {
    if (s.ordinal <= sinceOrdinal) continue;
    const t = byNode.get(s.nodeId) ?? { size: 0, count: 0 };
    t.size += s.size;
    t.count += heapSampleCount(s.size, interval);
    byNode.set(s.nodeId, t);
  }
  const traces: Trace[] = [];
  for (const [nodeId, t] of byNode) {
    traces.push({ frames: stacks.get(nodeId) ?? UNKNOWN_STACK, size: t.size, count: t.count, offHeap: false });
  }
  return traces;
}

/** The highest ordinal in a profile: a mark for "allocated since". */
export function lastOrdinal(profile: V8HeapProfile): number {
  let max = -1;
  for (const s of profile.samples) if (s.ordinal > max) max = s.ordinal;
  return max;
}
