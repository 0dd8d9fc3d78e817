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

/**
 * Rising this many times slower than on average since the last capture also counts as settled:
 * a program writing out what it built keeps promoting a little garbage, so its level creeps up
 * and never stops for long.
 */
const SLOWDOWN = 3;

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

/**
 * Captures at a settled level that the shares do not limit: a batch program's few steps are each
 * worth one, however long they take. Captures while the heap still grows do not count: on a
 * loaded machine they take long, and must not leave the plateau at the end uncaptured.
 */
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
 * - when the level settles (no new high for a moment, or rising much slower than it did) 10% or more above the best capture's live heap;
 * - when it settles 1% above it, while captures have cost at most half of the run so far, as a
 *   batch program's heap does after it built its last list and while it writes it out;
 * - while it keeps rising, at each doubling, while captures cost at most a quarter of the run.
 * A capture that finds nothing new (the high was garbage) raises the bars, so a program whose
 * garbage swings the level is not captured again and again. `captureShare` is the time captures
 * took so far over the time the program ran; the first FREE_CAPTURES at a settled level are not held to it.
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
  private settledCaptures = 0;
  private lastLevel = 0;
  private lastAt = 0;
  /** The first level seen after the last capture, and when. */
  private baseLevel = -1;
  private baseAt = 0;
  private settledCapture = false;

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
    if (this.baseLevel < 0) {
      this.baseLevel = level;
      this.baseAt = now;
    }
    const rate = now > this.lastAt ? (level - this.lastLevel) / (now - this.lastAt) : Infinity;
    const average = now > this.baseAt ? (this.high - this.baseLevel) / (now - this.baseAt) : 0;
    const slowed = this.lastAt > this.baseAt && now - this.baseAt >= 2 * SETTLED_MS && average > 0 && rate * SLOWDOWN < average;
    this.lastLevel = level;
    this.lastAt = now;
    const settled = (this.sinceHigh >= 1 && now - this.highAt >= SETTLED_MS) || slowed;
    const base = this.bestLive * this.demand;
    const free = this.settledCaptures < FREE_CAPTURES;
    this.settledCapture = true;
    if (settled && this.high >= REGROW * base) return true;
    if (settled && this.high >= REGROW_SMALL * base && (free || captureShare <= SMALL_SHARE)) return true;
    this.settledCapture = false;
    return this.high >= GROWTH_STEP * this.liveAtCapture * this.demand && captureShare <= GROWTH_SHARE;
  }

  /** Whether the heap is big enough for captures: then it is worth looking at often. */
  get watching(): boolean {
    return this.highest >= FLOOR / 2;
  }

  /** A capture ran; `live` is what it found live (heap plus external). */
  captured(live: number): void {
    if (this.settledCapture) this.settledCaptures++;
    if (live > this.bestLive * 1.01) this.demand = 1;
    else this.demand *= BACKOFF;
    this.bestLive = Math.max(this.bestLive, live);
    this.liveAtCapture = Math.max(live, FLOOR / GROWTH_STEP);
    this.high = 0;
    this.sinceHigh = 0;
    this.baseLevel = -1;
  }
}
