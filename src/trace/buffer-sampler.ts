import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ANONYMOUS, fileOfUrl, frameKey, type Frame } from './frames.js';
import { passThrough, type AllocatorFn } from './buffer-pass-through.js';
import { sampleProbability } from './sample-weight.js';
import type { Trace } from './trace.js';

/** The Buffer statics that allocate memory outside V8's heap, wrapped while tracing. */
const ALLOCATORS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'from', 'concat'] as const;
type Allocator = (typeof ALLOCATORS)[number];

/** Frames kept per Buffer sample (the site is usually within the first few). */
const MAX_FRAMES = 32;

/** Distinct stacks kept; past it, new stacks share one "(too many stacks)" entry. A bound, not a policy. */
const MAX_STACKS = 50_000;

/** Buffers this small live inside V8's heap (on-heap typed arrays), where the heap sampler sees them. */
const ON_HEAP_MAX = 64;

interface LiveSample {
  readonly stack: number;
  readonly size: number;
  readonly count: number;
}

type Registry = FinalizationRegistry<number> & { cleanupSome?: (cb?: (held: number) => void) => void };

/**
 * FinalizationRegistry, preferably one with `cleanupSome` (a V8 feature behind a flag, made
 * available by creating a fresh context after setting it): that runs pending clean-ups at once,
 * so which sampled Buffers died is known right after a collection, even inside a program that
 * never yields to the event loop. Without it, clean-ups run as tasks, as usual.
 */
function makeRegistry(onDead: (id: number) => void): Registry {
  try {
    setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const Ctor = runInNewContext('FinalizationRegistry') as typeof FinalizationRegistry;
    const registry = new Ctor<number>(onDead) as Registry;
    if (typeof registry.cleanupSome === 'function') return registry;
  } catch {
    // fall back to this realm's registry
  }
  return new FinalizationRegistry<number>(onDead) as Registry;
}

/**
 * Samples the memory Buffers hold outside V8's heap, which V8's heap sampler cannot see. The
 * public allocating statics of Buffer (`alloc`, `allocUnsafe`, `allocUnsafeSlow`, `from`,
 * `concat`) are wrapped; Node's own `fs`, streams and most libraries allocate through them too.
 * Each allocation is sampled with the heap sampler's probability (1 - exp(-bytes / interval)) and
 * weighed by 1/p, so large Buffers are always seen; a sampled Buffer's stack is captured, and a
 * FinalizationRegistry says when it dies, so what is reported is what is still reachable.
 * Memory allocated by other routes (`new ArrayBuffer`, typed arrays, native addons) shows only in
 * the external and arrayBuffers totals.
 */
export class BufferSampler {
  private readonly live = new Map<number, LiveSample>();
  private readonly stacks: Array<readonly Frame[]> = [];
  private readonly stackIds = new Map<string, number>();
  private readonly registry: Registry;
  private readonly originals = new Map<Allocator, AllocatorFn>();
  private nextId = 1;
  /** Depth of wrapped calls: Buffer.concat calls Buffer.allocUnsafe, and only the outer one counts. */
  private depth = 0;

  constructor(private readonly interval: number) {
    this.registry = makeRegistry((id) => this.live.delete(id));
  }

  get installed(): boolean {
    return this.originals.size > 0;
  }

  install(): void {
    if (this.installed) return;
    for (const name of ALLOCATORS) {
      const original = Buffer[name] as unknown as AllocatorFn;
      this.originals.set(name, original);
      const wrapped = passThrough(
        original,
        name,
        () => void this.depth++,
        (result, first, self) => {
          if (--this.depth === 0 && result !== undefined) this.consider(name, result, first, self);
        },
      );
      (Buffer as unknown as Record<string, unknown>)[name] = wrapped;
    }
  }

  uninstall(): void {
    for (const [name, original] of this.originals) (Buffer as unknown as Record<string, unknown>)[name] = original;
    this.originals.clear();
  }

  /** Runs pending clean-ups of dead Buffers now, when the registry can. */
  sweep(): void {
    this.registry.cleanupSome?.((id) => this.live.delete(id));
  }

  /** Live sampled Buffers grouped by stack. Call right after a collection (and sweep) for exact liveness. */
  traces(): Trace[] {
    this.sweep();
    const byStack = new Map<number, { size: number; count: number }>();
    for (const s of this.live.values()) {
      const t = byStack.get(s.stack) ?? { size: 0, count: 0 };
      t.size += s.size;
      t.count += s.count;
      byStack.set(s.stack, t);
    }
    return [...byStack].map(([stack, t]) => ({ frames: this.stacks[stack]!, size: t.size, count: t.count, offHeap: true }));
  }

  private consider(name: Allocator, result: unknown, first: unknown, wrapper: AllocatorFn): void {
    if (!(result instanceof Uint8Array)) return;
    // Buffer.from(arrayBuffer) is a view on memory allocated elsewhere, not an allocation.
    if (name === 'from' && (first instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && first instanceof SharedArrayBuffer))) return;
    const size = result.byteLength;
    if (size <= ON_HEAP_MAX && (name === 'alloc' || name === 'allocUnsafeSlow')) return;
    const p = sampleProbability(size, this.interval);
    if (p <= 0 || (p < 1 && Math.random() >= p)) return;
    const id = this.nextId++;
    this.live.set(id, { stack: this.stackOf(name, wrapper), size: size / p, count: 1 / p });
    this.registry.register(result, id);
  }

  private stackOf(name: Allocator, wrapper: AllocatorFn): number {
    const frames = [{ function: name, file: 'node:buffer', line: 0, column: 0 }, ...callerFrames(wrapper)];
    const key = frames.map(frameKey).join('\n');
    let id = this.stackIds.get(key);
    if (id === undefined) {
      if (this.stacks.length >= MAX_STACKS) return this.overflowStack();
      id = this.stacks.push(frames) - 1;
      this.stackIds.set(key, id);
    }
    return id;
  }

  private overflowStack(): number {
    const key = '(too many stacks)';
    let id = this.stackIds.get(key);
    if (id === undefined) {
      id = this.stacks.push([{ function: key, file: '', line: 0, column: 0 }]) - 1;
      this.stackIds.set(key, id);
    }
    return id;
  }
}

/**
 * The stack above `below`, as frames. The position of each frame is that of its *function's start*
 * (CallSite.getEnclosingLineNumber), like the heap sampler's, so a Buffer and the objects made
 * beside it land on the same site. The global Error settings are restored at once.
 */
function callerFrames(below: AllocatorFn): Frame[] {
  const holder: { stack?: NodeJS.CallSite[] } = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = MAX_FRAMES;
  try {
    Error.captureStackTrace(holder, below);
    const sites = holder.stack;
    if (!Array.isArray(sites)) return [];
    return sites.map(frameOfCallSite);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

type CallSiteWithEnclosing = NodeJS.CallSite & { getEnclosingLineNumber?: () => number | null; getEnclosingColumnNumber?: () => number | null };

function frameOfCallSite(site: NodeJS.CallSite): Frame {
  const s = site as CallSiteWithEnclosing;
  const file = s.getFileName() ?? '';
  // The debug name (inferred names included), as V8's profilers show it, so sites of both samplers agree.
  const name = s.getFunctionName();
  const line = s.getEnclosingLineNumber?.() ?? s.getLineNumber() ?? 0;
  const column = s.getEnclosingColumnNumber?.() ?? s.getColumnNumber() ?? 0;
  return { function: name || ANONYMOUS, file: fileOfUrl(file), line, column };
}
