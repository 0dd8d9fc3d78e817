/**
 * Heap (plus external memory) below which no capture runs before exit: a capture is a full
 * collection, too dear for a small heap, whose sites the capture at exit shows anyway.
 */
const FLOOR = 32 * 1024 * 1024;

/**
 * Time without a new high before the heap counts as settled (at least one look later). In time,
 * not looks: under load the looks come further apart, and a batch program's last plateau (while
 * it writes its output) can be short.
 */
const SETTLED_MS = 50;

/** A new high counts as the heap still rising only above this factor of the last one. */
const RISE = 1.005;

/** Settled this much above the largest live heap a capture found: always captured. */
const REGROW = 1.1;

/** Settled after a smaller rise: captured while captures took at most SMALL_SHARE of the run. */
const REGROW_SMALL = 1.01;
const SMALL_SHARE = 0.5;

/** Still rising: a capture at each doubling (so a program that dies of its growth leaves one), within GROWTH_SHARE. */
const GROWTH_STEP = 2;
const GROWTH_SHARE = 0.25;

/** Captures that the shares do not limit: a batch program's few steps are each worth one, however long they take. */
const FREE_CAPTURES = 3;

/** A capture that found no more live heap than the best one raises the next bar by this factor. */
const BACKOFF = 1.5;

/**
 * When to capture the heap "at the peak". A capture forces a full collection (0.2-0.5 s on a
 * 150 MB heap), so it cannot follow every new high. The signal is the heap left after the
 * collections of each look plus external memory: an upper bound of what is live (old garbage
 * stays until a full collection), which is why it is compared with what captures found live, not
 * with earlier highs (a high inflated by garbage would otherwise hide the real peak after it).
 * The policy captures:
 * - when the level settles (no new high for a moment) 10% or more above the best capture's live heap;
 * - when it settles 1% above it, while captures have cost at most half of the run so far, as a
 *   batch program's heap does after it built its last list and while it writes it out;
 * - while it keeps rising, at each doubling, while captures cost at most a quarter of the run.
 * A capture that finds nothing new (the high was garbage) raises the bars, so a program whose
 * garbage swings the level is not captured again and again. `captureShare` is the time captures
 * took so far over the time the program ran; the first FREE_CAPTURES are not held to it.
 */
export class PeakPolicy {
  /** The highest level ever seen (for `watching`). */
  private highest = 0;
  /** The highest level since the last capture. */
  private high = 0;
  private sinceHigh = 0;
  private highAt = 0;
  private bestLive = 0;
  private liveAtCapture = FLOOR / GROWTH_STEP;
  private demand = 1;
  private captures = 0;

  /** After each look at the level of the heap: true when a capture should run now. */
  observe(level: number, captureShare: number, now = Date.now()): boolean {
    // Creeping by a fraction of a percent (a few write buffers) is not growth: the heap has settled.
    if (level > this.high * RISE + 64 * 1024) {
      this.sinceHigh = 0;
      this.highAt = now;
    } else this.sinceHigh++;
    if (level > this.high) this.high = level;
    if (level > this.highest) this.highest = level;
    if (this.high < FLOOR) return false;
    const settled = this.sinceHigh >= 1 && now - this.highAt >= SETTLED_MS;
    const base = this.bestLive * this.demand;
    const free = this.captures < FREE_CAPTURES;
    if (settled && this.high >= REGROW * base) return true;
    if (settled && this.high >= REGROW_SMALL * base && (free || captureShare <= SMALL_SHARE)) return true;
    return this.high >= GROWTH_STEP * this.liveAtCapture * this.demand && (free || captureShare <= GROWTH_SHARE);
  }

  /** Whether the heap is big enough for captures: then it is worth looking at often. */
  get watching(): boolean {
    return this.highest >= FLOOR / 2;
  }

  /** A capture ran; `live` is what it found live (heap plus external). */
  captured(live: number): void {
    this.captures++;
    if (live > this.bestLive * 1.01) this.demand = 1;
    else this.demand *= BACKOFF;
    this.bestLive = Math.max(this.bestLive, live);
    this.liveAtCapture = Math.max(live, FLOOR / GROWTH_STEP);
    this.high = 0;
    this.sinceHigh = 0;
  }
}
