import { watch, type FSWatcher } from 'node:fs';

/** What woke the follower: `full` asks for the followed paths to be looked up again (a name changed, or the poll). */
export interface Wakeup {
  readonly full: boolean;
}

/**
 * When to look at the files again: a watch on each directory that holds followed paths (a watch
 * on a file follows its inode, which a rename takes away; the directory sees appends, creations,
 * renames and deletions of its entries), and a poll as the safety net, since watch events are
 * dropped silently when the kernel's queue overflows and never come on network filesystems.
 * Events coalesce: many appends may give one wake-up, and the follower reads to the end each time.
 */
export class Wakeups {
  private readonly watchers = new Map<string, FSWatcher>();
  private pending: { full: boolean } | null = null;
  private waiter: ((w: Wakeup) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly pollMs: number,
    /** Told of every full wake-up as it comes, even while nobody waits for one (see FollowSource.hand). */
    private readonly onFull: () => void = () => {},
  ) {}

  /** Starts the poll. */
  start(): void {
    this.timer ??= setInterval(() => this.notify(true), this.pollMs);
  }

  /** Watches these directories (and stops watching others). One that cannot be watched is left to the poll. */
  watchDirectories(dirs: Iterable<string>): void {
    if (this.closed) return;
    const wanted = new Set(dirs);
    for (const [dir, w] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (event) => this.notify(event === 'rename'));
        // A watched directory that goes away errors: drop the watch; the next full look adds it back.
        w.on('error', () => {
          w.close();
          if (this.watchers.get(dir) === w) this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch {
        // missing or unwatchable: the poll covers it
      }
    }
  }

  notify(full: boolean): void {
    if (this.waiter) {
      const wake = this.waiter;
      this.waiter = null;
      wake({ full });
      return;
    }
    this.pending = { full: full || (this.pending?.full ?? false) };
    if (full && !this.closed) this.onFull();
  }

  /**
   * Whether a name changed since the last wake-up was taken (and forgets it): the follower looks
   * the paths up before reading on, since a file renamed twice before the next look would never be
   * seen under a followed name.
   */
  takeFull(): boolean {
    if (!this.pending?.full) return false;
    this.pending = { full: false };
    return true;
  }

  /** Resolves at the next wake-up (at once when one came since the last call). */
  next(): Promise<Wakeup> {
    if (this.pending || this.closed) {
      const w = this.pending ?? { full: false };
      this.pending = null;
      return Promise.resolve(w);
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.notify(false);
  }
}
