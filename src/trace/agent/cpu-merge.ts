import type { V8CallFrame } from '../frames.js';
import type { V8CpuNode, V8CpuProfile } from '../cpu-profile.js';

/** Samples kept in time order; past this, a chunk's samples are folded into one per node. A bound, not a policy. */
const MAX_TIMELINE_SAMPLES = 2_000_000;

interface MergedNode {
  id: number;
  callFrame: V8CallFrame;
  hitCount: number;
  children: number[];
  ticks: Map<number, number>;
}

function frameKey(cf: V8CallFrame): string {
  return `${cf.functionName}\u0000${cf.url}\u0000${cf.scriptId}\u0000${cf.lineNumber}\u0000${cf.columnNumber}`;
}

/**
 * A CPU profile built from chunks: `logsift trace --cpu` stops and restarts V8's profiler every
 * minute, because V8 keeps every sample of a running profile in memory. Trees are merged by call
 * path (hit counts and line ticks added); samples stay in time order up to MAX_TIMELINE_SAMPLES,
 * after which each chunk adds one sample per node weighing that node's time, so every view but
 * the timeline stays exact and memory stays bounded by the program's call paths.
 */
export class CpuProfileMerger {
  private readonly nodes: MergedNode[] = [];
  private readonly byPath = new Map<string, number>();
  private samples: number[] = [];
  private deltas: number[] = [];
  private startTime = -1;
  private endTime = 0;
  private folded = false;

  constructor() {
    this.nodes.push({ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [], ticks: new Map() });
  }

  get empty(): boolean {
    return this.startTime < 0;
  }

  add(p: V8CpuProfile): void {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const mapped = new Map<number, number>();
    const root = p.nodes[0];
    if (!root) return;
    // The tree from its root, parents before children.
    const todo: Array<[V8CpuNode, number]> = [[root, 0]];
    while (todo.length > 0) {
      const [n, into] = todo.pop()!;
      const id = n === root ? 1 : this.child(into, n.callFrame);
      mapped.set(n.id, id);
      const m = this.nodes[id - 1]!;
      m.hitCount += n.hitCount ?? 0;
      for (const t of n.positionTicks ?? []) m.ticks.set(t.line, (m.ticks.get(t.line) ?? 0) + t.ticks);
      for (const c of n.children ?? []) {
        const child = byId.get(c);
        if (child) todo.push([child, id]);
      }
    }
    const samples = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    // Time between chunks (the profiler restarting) goes on the next chunk's first sample. Before
    // the first chunk there is none: its first delta is from its own start.
    const gap = this.empty ? 0 : Math.max(0, p.startTime - this.endTime);
    if (this.startTime < 0) this.startTime = p.startTime;
    if (!this.folded && this.samples.length + samples.length <= MAX_TIMELINE_SAMPLES) {
      samples.forEach((s, i) => {
        this.samples.push(mapped.get(s) ?? 1);
        this.deltas.push((deltas[i] ?? 0) + (i === 0 ? gap : 0));
      });
    } else {
      this.folded = true;
      this.foldIn(samples, deltas, mapped);
    }
    this.endTime = p.endTime;
  }

  profile(): V8CpuProfile {
    return {
      nodes: this.nodes.map((n) => ({
        id: n.id,
        callFrame: n.callFrame,
        hitCount: n.hitCount,
        children: n.children,
        ...(n.ticks.size > 0 ? { positionTicks: [...n.ticks].map(([line, ticks]) => ({ line, ticks })) } : {}),
      })),
      startTime: Math.max(0, this.startTime),
      endTime: this.endTime,
      samples: this.samples,
      timeDeltas: this.deltas,
    };
  }

  /** Whether the timeline was folded (the report says so). */
  get timelineFolded(): boolean {
    return this.folded;
  }

  private child(parent: number, cf: V8CallFrame): number {
    const key = `${parent}\u0001${frameKey(cf)}`;
    let id = this.byPath.get(key);
    if (id === undefined) {
      id = this.nodes.length + 1;
      this.nodes.push({ id, callFrame: cf, hitCount: 0, children: [], ticks: new Map() });
      this.nodes[parent - 1]!.children.push(id);
      this.byPath.set(key, id);
    }
    return id;
  }

  /**
   * One sample per node, each followed by a delta worth that node's time in the chunk: a
   * sample's time is the delta of the sample after it, as CpuProfile reads it.
   */
  private foldIn(samples: readonly number[], deltas: readonly number[], mapped: Map<number, number>): void {
    const time = new Map<number, number>();
    for (let i = 0; i < samples.length; i++) {
      const id = mapped.get(samples[i]!) ?? 1;
      time.set(id, (time.get(id) ?? 0) + Math.max(0, deltas[i + 1] ?? 0));
    }
    for (const [id, us] of time) {
      this.samples.push(id);
      this.deltas.push(0);
      this.pendingDelta(us);
    }
  }

  /** Sets the time of the sample just pushed, carried by the next sample's delta. */
  private pendingDelta(us: number): void {
    this.samples.push(1);
    this.deltas.push(us);
  }
}

/**
 * The part of a profile before `until` (the profiler's clock, µs, shared by every profiler of the
 * thread): what another profile, started at `until`, does not cover. Hit counts come from the
 * samples kept; a node's per-line ticks are scaled by the share of its samples kept.
 */
export function profileBefore(p: V8CpuProfile, until: number): V8CpuProfile {
  if (p.endTime <= until) return p;
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  let at = p.startTime;
  let n = 0;
  for (; n < samples.length; n++) {
    at += deltas[n] ?? 0;
    if (at >= until) break;
  }
  const hits = new Map<number, number>();
  for (let i = 0; i < n; i++) hits.set(samples[i]!, (hits.get(samples[i]!) ?? 0) + 1);
  const nodes = p.nodes.map((node) => {
    const kept = hits.get(node.id) ?? 0;
    const share = (node.hitCount ?? 0) > 0 ? kept / node.hitCount! : 0;
    const ticks = node.positionTicks?.map((t) => ({ line: t.line, ticks: Math.round(t.ticks * share) })).filter((t) => t.ticks > 0);
    return { ...node, hitCount: kept, ...(ticks ? { positionTicks: ticks } : {}) };
  });
  return { nodes, startTime: p.startTime, endTime: Math.max(p.startTime, until), samples: samples.slice(0, n), timeDeltas: deltas.slice(0, n) };
}

