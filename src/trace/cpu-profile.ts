import { ANONYMOUS, frameKey, frameOfCallFrame, type Frame, type V8CallFrame } from './frames.js';
import type { SourceMapper } from './source-maps.js';
import type { SourceText } from './source-text.js';

/** V8's CPU profile (`Profiler.stop`), the `.cpuprofile` format DevTools and speedscope open. */
export interface V8CpuNode {
  readonly id: number;
  readonly callFrame: V8CallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
  /** Samples per source line (1-based) while this node was on top of the stack. */
  readonly positionTicks?: ReadonlyArray<{ readonly line: number; readonly ticks: number }>;
}

export interface V8CpuProfile {
  readonly nodes: readonly V8CpuNode[];
  /** Microseconds, V8's clock. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** One function in pstats' shape. `self` is time on top of the stack; `total` includes callees. */
export interface FunctionStat {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly selfMs: number;
  readonly totalMs: number;
  readonly selfPercent: number;
  readonly totalPercent: number;
  /** Samples on top of the stack, and samples with the function anywhere on it. */
  readonly selfSamples: number;
  readonly totalSamples: number;
}

/** A caller or callee of a function, with the time that went through that edge. */
export interface EdgeStat {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  /** Time the function spent (itself and below) when called from this caller, or in this callee. */
  readonly ms: number;
  readonly percent: number;
  readonly samples: number;
}

/** One source line's time, line_profiler's shape. */
export interface LineStat {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly ms: number;
  readonly percent: number;
  readonly samples: number;
  readonly text: string;
}

export type CpuSort = 'self' | 'cumulative';

/** Which function a query means: its name, or a statistic (function, file and line) from this profile. */
export type FunctionRef = string | { readonly function: string; readonly file?: string; readonly line?: number };

/** V8's pseudo-functions: time not spent in JavaScript of the program. */
const PSEUDO = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

interface Fn {
  readonly frame: Frame;
  readonly key: string;
  selfUs: number;
  totalUs: number;
  selfSamples: number;
  totalSamples: number;
}

interface Node {
  readonly fn: Fn;
  readonly parent: Node | null;
  readonly raw: V8CpuNode;
  selfUs: number;
  selfSamples: number;
  /** This node's time and everything below it. */
  treeUs: number;
  treeSamples: number;
}

/**
 * A CPU profile read as cProfile/pstats and line_profiler would show it: per function self and
 * cumulative time, callers and callees, and time per source line with the line's text. Times come
 * from the samples' own timestamps (V8's interval is a request, not a promise). Positions are
 * mapped through source maps when a SourceMapper is given.
 */
export class CpuProfile {
  /** Wall time the profile covers, in ms. */
  readonly durationMs: number;
  readonly sampleCount: number;
  private readonly nodes = new Map<number, Node>();
  private readonly fns = new Map<string, Fn>();
  private readonly totalUs: number;

  constructor(
    readonly raw: V8CpuProfile,
    private readonly options: { readonly maps?: SourceMapper; readonly text?: SourceText } = {},
  ) {
    this.durationMs = Math.max(0, (raw.endTime - raw.startTime) / 1000);
    this.build();
    const samples = raw.samples ?? [];
    this.sampleCount = samples.length;
    this.totalUs = this.attribute(samples, raw.timeDeltas ?? []);
  }

  /** pstats' `sort_stats(...).print_stats()`: every function, by self or cumulative time. */
  statistics(sort: CpuSort = 'self'): FunctionStat[] {
    if (sort !== 'self' && sort !== 'cumulative') throw new RangeError(`unknown sort "${String(sort)}": use 'self' or 'cumulative'`);
    const stats = [...this.fns.values()].filter((f) => f.totalSamples > 0 && f.frame.function !== '(root)').map((f) => this.stat(f));
    return stats.sort((a, b) =>
      sort === 'self' ? b.selfMs - a.selfMs || b.totalMs - a.totalMs : b.totalMs - a.totalMs || b.selfMs - a.selfMs,
    );
  }

  /** Who called `fn`, with the time `fn` spent (and below) under each caller. */
  callers(fn: FunctionRef): EdgeStat[] {
    const targets = this.resolve(fn);
    const edges = new Map<Fn, { us: number; samples: number }>();
    for (const node of this.nodes.values()) {
      if (!targets.has(node.fn) || !node.parent || PSEUDO.has(node.parent.fn.frame.function)) continue;
      // Count time once per sample: a recursive call below another call of fn is already counted.
      if (this.hasAncestorIn(node.parent, targets)) continue;
      const t = this.subtree(node);
      const e = edges.get(node.parent.fn) ?? { us: 0, samples: 0 };
      e.us += t.us;
      e.samples += t.samples;
      edges.set(node.parent.fn, e);
    }
    return this.edgeStats(edges);
  }

  /** What `fn` called, with the time spent in each callee (and below) when called from `fn`. */
  callees(fn: FunctionRef): EdgeStat[] {
    const targets = this.resolve(fn);
    const edges = new Map<Fn, { us: number; samples: number }>();
    for (const node of this.nodes.values()) {
      if (!node.parent || !targets.has(node.parent.fn) || targets.has(node.fn)) continue;
      const t = this.subtree(node);
      const e = edges.get(node.fn) ?? { us: 0, samples: 0 };
      e.us += t.us;
      e.samples += t.samples;
      edges.set(node.fn, e);
    }
    return this.edgeStats(edges);
  }

  /**
   * Time per source line, from V8's per-line ticks, hottest first: of one function (every line
   * that had samples, in line order, as line_profiler prints it), or of all functions.
   */
  lines(fn?: FunctionRef): LineStat[] {
    const targets = fn === undefined ? null : this.resolve(fn);
    const byLine = new Map<string, { fn: Fn; file: string; line: number; us: number; samples: number }>();
    for (const node of this.nodes.values()) {
      if (targets && !targets.has(node.fn)) continue;
      const ticks = node.raw.positionTicks ?? [];
      const total = ticks.reduce((n, t) => n + t.ticks, 0);
      if (total === 0 || node.selfSamples === 0 || node.raw.callFrame.url === '') continue;
      for (const t of ticks) {
        const place = this.linePlace(node.fn.frame, node.raw.callFrame, t.line);
        // Per function for one function's lines (line_profiler); per place for the hottest lines overall.
        const key = `${targets ? node.fn.key : ''}\u0000${place.file}\u0000${place.line}`;
        const e = byLine.get(key) ?? { fn: node.fn, file: place.file, line: place.line, us: 0, samples: 0 };
        // A node's own time shared among its lines by their ticks.
        e.us += (node.selfUs * t.ticks) / total;
        e.samples += (node.selfSamples * t.ticks) / total;
        byLine.set(key, e);
      }
    }
    const stats = [...byLine.values()].map((e) => ({
      function: e.fn.frame.function,
      file: e.file,
      line: e.line,
      ms: e.us / 1000,
      percent: this.percent(e.us),
      samples: Math.round(e.samples),
      text: this.options.text?.line(e.file, e.line) ?? '',
    }));
    return targets ? stats.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line) : stats.sort((a, b) => b.ms - a.ms);
  }

  /** Every sample's stack, root first, for collapsed-stack output and attribution: `visit(frames, us)`. */
  forEachStack(visit: (frames: readonly Frame[], us: number, samples: number) => void): void {
    for (const node of this.nodes.values()) {
      if (node.selfSamples === 0) continue;
      const frames: Frame[] = [];
      for (let n: Node | null = node; n; n = n.parent) if (n.fn.frame.function !== '(root)') frames.push(n.fn.frame);
      visit(frames.reverse(), node.selfUs, node.selfSamples);
    }
  }

  private build(): void {
    const parents = new Map<number, number>();
    for (const n of this.raw.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
    const byId = new Map(this.raw.nodes.map((n) => [n.id, n]));
    const make = (raw: V8CpuNode): Node => {
      const existing = this.nodes.get(raw.id);
      if (existing) return existing;
      const parentId = parents.get(raw.id);
      const parentRaw = parentId === undefined ? undefined : byId.get(parentId);
      const parent = parentRaw ? make(parentRaw) : null;
      const node: Node = { fn: this.fnOf(raw.callFrame), parent, raw, selfUs: 0, selfSamples: 0, treeUs: 0, treeSamples: 0 };
      this.nodes.set(raw.id, node);
      return node;
    };
    // Parents first (ids are usually in that order), so `make` rarely recurses deeply.
    for (const raw of this.raw.nodes) make(raw);
  }

  private fnOf(cf: V8CallFrame): Fn {
    const generated = frameOfCallFrame(cf);
    const frame = PSEUDO.has(cf.functionName) || cf.url === '' ? { ...generated, function: cf.functionName || ANONYMOUS } : (this.options.maps?.frame(generated) ?? generated);
    const key = frameKey(frame);
    let fn = this.fns.get(key);
    if (!fn) {
      fn = { frame, key, selfUs: 0, totalUs: 0, selfSamples: 0, totalSamples: 0 };
      this.fns.set(key, fn);
    }
    return fn;
  }

  /** Time of each sample: until the next sample's timestamp (the last gets the mean interval). */
  private attribute(samples: readonly number[], deltas: readonly number[]): number {
    const n = samples.length;
    if (n === 0) return 0;
    let span = 0;
    for (let i = 1; i < deltas.length; i++) span += Math.max(0, deltas[i]!);
    const mean = n > 1 ? span / (n - 1) : this.durationMs * 1000;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const node = this.nodes.get(samples[i]!);
      if (!node) continue;
      const us = i + 1 < n ? Math.max(0, deltas[i + 1] ?? mean) : mean;
      total += us;
      node.selfUs += us;
      node.selfSamples++;
    }
    // Each node's own time goes to its function, to every ancestor's subtree, and to the cumulative
    // time of every function on its stack, once however deep the recursion.
    for (const node of this.nodes.values()) {
      if (node.selfSamples === 0) continue;
      node.fn.selfUs += node.selfUs;
      node.fn.selfSamples += node.selfSamples;
      const seen = new Set<Fn>();
      for (let a: Node | null = node; a; a = a.parent) {
        a.treeUs += node.selfUs;
        a.treeSamples += node.selfSamples;
        if (seen.has(a.fn)) continue;
        seen.add(a.fn);
        a.fn.totalUs += node.selfUs;
        a.fn.totalSamples += node.selfSamples;
      }
    }
    return total;
  }

  private percent(us: number): number {
    return this.totalUs > 0 ? (100 * us) / this.totalUs : 0;
  }

  private stat(f: Fn): FunctionStat {
    return {
      function: f.frame.function,
      file: f.frame.file,
      line: f.frame.line,
      selfMs: f.selfUs / 1000,
      totalMs: f.totalUs / 1000,
      selfPercent: this.percent(f.selfUs),
      totalPercent: this.percent(f.totalUs),
      selfSamples: f.selfSamples,
      totalSamples: f.totalSamples,
    };
  }

  private resolve(ref: FunctionRef): Set<Fn> {
    const name = typeof ref === 'string' ? ref : ref.function;
    const found = new Set<Fn>();
    for (const f of this.fns.values()) {
      if (f.frame.function !== name) continue;
      if (typeof ref !== 'string' && ref.file !== undefined && ref.file !== f.frame.file) continue;
      if (typeof ref !== 'string' && ref.line !== undefined && ref.line !== f.frame.line) continue;
      found.add(f);
    }
    return found;
  }

  private hasAncestorIn(node: Node | null, fns: Set<Fn>): boolean {
    for (let n = node; n; n = n.parent) if (fns.has(n.fn)) return true;
    return false;
  }

  /** Time and samples of a node and everything below it. */
  private subtree(node: Node): { us: number; samples: number } {
    return { us: node.treeUs, samples: node.treeSamples };
  }

  private edgeStats(edges: Map<Fn, { us: number; samples: number }>): EdgeStat[] {
    return [...edges]
      .map(([f, e]) => ({ function: f.frame.function, file: f.frame.file, line: f.frame.line, ms: e.us / 1000, percent: this.percent(e.us), samples: e.samples }))
      .sort((a, b) => b.ms - a.ms);
  }

  /** Where a tick's line is in the original source (CPU ticks carry lines, not columns). */
  private linePlace(fnFrame: Frame, cf: V8CallFrame, line: number): { file: string; line: number } {
    const generated = frameOfCallFrame(cf).file;
    if (generated === fnFrame.file || !this.options.maps) return { file: generated, line };
    const p = this.options.maps.position(generated, line, 0);
    return p ? { file: p.file, line: p.line } : { file: fnFrame.file, line };
  }
}
