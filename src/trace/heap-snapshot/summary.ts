import type { HeapGraph } from './read-snapshot.js';

/** One group of the heap by constructor (or kind, for V8's internal objects), as DevTools' Summary view. */
export interface HeapGroup {
  readonly name: string;
  readonly count: number;
  /** Bytes of the objects themselves (shallow size). */
  readonly selfSize: number;
  /** The largest object's own size. */
  readonly largest: number;
  /** How the largest object is held: the shortest path from the roots, root side first. */
  readonly retainers: string;
}

export interface HeapSummary {
  /** Live heap when the snapshot was taken. */
  readonly takenAtHeap: number;
  readonly objects: number;
  readonly totalSize: number;
  readonly groups: readonly HeapGroup[];
}

/** Groups shown; the rest are summed in no group (the total still counts them). */
const TOP_GROUPS = 15;

/** Steps shown of a retainer path (the end nearest the object matters most). */
const MAX_PATH = 10;

const KIND_NAMES: Record<string, string> = {
  string: '(string)',
  'concatenated string': '(string)',
  'sliced string': '(string)',
  array: '(array)',
  code: '(compiled code)',
  hidden: '(system)',
  closure: '(closure)',
  number: '(number)',
  regexp: '(regexp)',
  symbol: '(symbol)',
  bigint: '(bigint)',
  'object shape': '(object shape)',
};

/**
 * The heap by constructor, largest groups first, with the retainer path of each group's largest
 * object: the shortest chain of references from the GC roots (weak references skipped), found by
 * one breadth-first walk. Buffer and ArrayBuffer contents are there too (V8 lists them as native
 * objects), which the sampler cannot see.
 */
export function summarizeHeap(g: HeapGraph, takenAtHeap: number): HeapSummary {
  const nf = g.nodeFields.length;
  const ef = g.edgeFields.length;
  const TYPE = g.nodeFields.indexOf('type');
  const NAME = g.nodeFields.indexOf('name');
  const SELF = g.nodeFields.indexOf('self_size');
  const EDGES = g.nodeFields.indexOf('edge_count');
  const E_TYPE = g.edgeFields.indexOf('type');
  const E_NAME = g.edgeFields.indexOf('name_or_index');
  const E_TO = g.edgeFields.indexOf('to_node');
  const WEAK = g.edgeTypes.indexOf('weak');
  const SHORTCUT = g.edgeTypes.indexOf('shortcut');
  const synthetic = g.nodeTypes.indexOf('synthetic');

  const firstEdge = new Float64Array(g.nodeCount + 1);
  for (let i = 0; i < g.nodeCount; i++) firstEdge[i + 1] = firstEdge[i]! + g.nodes[i * nf + EDGES]!;

  const groupOf = (i: number): string | undefined => {
    const type = g.nodes[i * nf + TYPE]!;
    if (type === synthetic) return undefined;
    const kind = g.nodeTypes[type] ?? 'unknown';
    if (kind === 'object' || kind === 'native') return g.strings[g.nodes[i * nf + NAME]!] || '(anonymous object)';
    return KIND_NAMES[kind] ?? `(${kind})`;
  };

  const groups = new Map<string, { count: number; selfSize: number; largest: number; largestNode: number }>();
  let totalSize = 0;
  for (let i = 0; i < g.nodeCount; i++) {
    const name = groupOf(i);
    if (name === undefined) continue;
    const size = g.nodes[i * nf + SELF]!;
    totalSize += size;
    const e = groups.get(name) ?? { count: 0, selfSize: 0, largest: -1, largestNode: i };
    e.count++;
    e.selfSize += size;
    if (size > e.largest) {
      e.largest = size;
      e.largestNode = i;
    }
    groups.set(name, e);
  }

  const top = [...groups].sort((a, b) => b[1].selfSize - a[1].selfSize).slice(0, TOP_GROUPS);
  const { parent, parentEdge } = shortestRetainers(g, firstEdge, { nf, ef, E_TYPE, E_TO, skip: [WEAK, SHORTCUT] });
  const edgeText = (holder: number, e: number): string => {
    const type = g.edgeTypes[g.edges[e * ef + E_TYPE]!];
    const nameOrIndex = g.edges[e * ef + E_NAME]!;
    const holderName = groupOf(holder) ?? g.strings[g.nodes[holder * nf + NAME]!] ?? '?';
    if (type === 'element' || type === 'hidden') return `${holderName}[${nameOrIndex}]`;
    return `${holderName}.${g.strings[nameOrIndex] ?? nameOrIndex}`;
  };
  const pathOf = (target: number): string => {
    if (parent[target]! < 0 && target !== 0) return '(unreachable from the roots: held only weakly)';
    const steps: string[] = []; // nearest the object first
    for (let n = target; parent[n]! >= 0 && steps.length < 64; n = parent[n]!) steps.push(edgeText(parent[n]!, parentEdge[n]!));
    const near = steps.slice(0, MAX_PATH).reverse();
    return (steps.length > MAX_PATH ? ['…', ...near] : near).join(' → ');
  };
  return {
    takenAtHeap,
    objects: g.nodeCount,
    totalSize,
    groups: top.map(([name, e]) => ({ name, count: e.count, selfSize: e.selfSize, largest: e.largest, retainers: pathOf(e.largestNode) })),
  };
}

/** Breadth-first from the root (node 0): each node's first-found holder and the edge from it. */
function shortestRetainers(
  g: HeapGraph,
  firstEdge: Float64Array,
  f: { nf: number; ef: number; E_TYPE: number; E_TO: number; skip: readonly number[] },
): { parent: Int32Array; parentEdge: Int32Array } {
  const parent = new Int32Array(g.nodeCount).fill(-1);
  const parentEdge = new Int32Array(g.nodeCount).fill(-1);
  const seen = new Uint8Array(g.nodeCount);
  const queue = new Int32Array(g.nodeCount);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  seen[0] = 1;
  while (head < tail) {
    const n = queue[head++]!;
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e++) {
      if (f.skip.includes(g.edges[e * f.ef + f.E_TYPE]!)) continue;
      const to = g.edges[e * f.ef + f.E_TO]! / f.nf;
      if (seen[to]) continue;
      seen[to] = 1;
      parent[to] = n;
      parentEdge[to] = e;
      queue[tail++] = to;
    }
  }
  return { parent, parentEdge };
}
