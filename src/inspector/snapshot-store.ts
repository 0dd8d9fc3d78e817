import { isTracing, start, stop, takeSnapshot, type Snapshot } from '../trace/index.js';

export interface StoredSnapshot {
  readonly snapshot: Snapshot;
  /** When it was stored (ms since the epoch), for the TTL. */
  readonly storedAt: number;
}

/**
 * The snapshots kept under their keys: at most `limit` (the oldest is dropped for a new one), each
 * for at most `ttlMs`. Heap sampling runs only while the store holds a snapshot: it starts with
 * the first one and stops when the last is deleted or expires, so an inspector nobody uses costs
 * no sampling. Tracing the application started itself is left alone.
 */
export class SnapshotStore {
  private readonly entries = new Map<string, StoredSnapshot>();
  private startedTracing = false;
  private expiry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly limit: number,
    readonly ttlMs: number,
  ) {}

  /** A snapshot now (after a full collection), tracing first if nothing traces yet. */
  async take(): Promise<Snapshot> {
    if (!isTracing()) {
      start();
      this.startedTracing = true;
    }
    try {
      return await takeSnapshot();
    } catch (error) {
      if (this.entries.size === 0) this.stopTracingIfMine();
      throw error;
    }
  }

  /** Keeps `snapshot` under `key` (replacing one of that key); says which keys were dropped for room. */
  put(key: string, snapshot: Snapshot): string[] {
    this.sweep();
    this.entries.delete(key);
    const dropped: string[] = [];
    while (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      dropped.push(oldest);
    }
    this.entries.set(key, { snapshot, storedAt: Date.now() });
    this.scheduleExpiry();
    return dropped;
  }

  get(key: string): StoredSnapshot | undefined {
    this.sweep();
    return this.entries.get(key);
  }

  delete(key: string): boolean {
    this.sweep();
    const had = this.entries.delete(key);
    if (this.entries.size === 0) this.stopTracingIfMine();
    return had;
  }

  keys(): string[] {
    this.sweep();
    return [...this.entries.keys()];
  }

  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  close(): void {
    this.entries.clear();
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    this.stopTracingIfMine();
  }

  /** Drops what outlived the TTL. Entries are in insertion order, so the oldest come first. */
  private sweep(): void {
    const limit = Date.now() - this.ttlMs;
    let expired = 0;
    for (const [key, e] of this.entries) {
      if (e.storedAt > limit) break;
      this.entries.delete(key);
      expired++;
    }
    // Only when expiry emptied the store: put() sweeps between take() and storing the new one.
    if (expired > 0 && this.entries.size === 0) this.stopTracingIfMine();
  }

  /** A timer for the oldest entry's expiry, so sampling stops even if nobody asks again. */
  private scheduleExpiry(): void {
    if (this.expiry) clearTimeout(this.expiry);
    this.expiry = null;
    const oldest = this.entries.values().next().value as StoredSnapshot | undefined;
    if (!oldest) return;
    const wait = Math.max(0, oldest.storedAt + this.ttlMs - Date.now()) + 10;
    this.expiry = setTimeout(() => {
      this.expiry = null;
      this.sweep();
      this.scheduleExpiry();
    }, Math.min(wait, 2 ** 31 - 1));
    this.expiry.unref();
  }

  private stopTracingIfMine(): void {
    if (!this.startedTracing) return;
    this.startedTracing = false;
    stop();
  }
}
