import { formatBytes } from '../trace/units.js';

/** One point of the trend: memory left after the collections of one sampler interval. */
export interface TrendSample {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Heap + external memory left after the window's collections (the least of them); null if none ran. */
  readonly liveAfterGc: number | null;
  /** Heap alone, the same way. */
  readonly heapAfterGc: number | null;
  /** Whether a full (mark-compact) collection ran in the window. */
  readonly fullGc: boolean;
  readonly rss: number;
}

export type TrendVerdict = 'growing' | 'stable' | 'unknown';

export interface TrendFit {
  readonly verdict: TrendVerdict;
  /** Why the verdict is what it is, in a sentence. */
  readonly reason: string;
  /** Samples fitted: the recent ones with a full collection. */
  readonly samples: number;
  readonly spanSeconds: number;
  /** Least-squares slope of memory after full collections, bytes per hour; null with fewer than 3 samples. */
  readonly slopeBytesPerHour: number | null;
  /** The slope's 95% confidence interval (Student's t), bytes per hour. */
  readonly slopeCi95: readonly [number, number] | null;
  /** How much the fitted line rose over the span, bytes. */
  readonly fittedGrowth: number | null;
}

export interface TrendRules {
  /** Fewer fitted samples than this: `unknown`. */
  readonly minSamples: number;
  /** Share of the most recent samples fitted (the rest is history, start-up included). */
  readonly recentShare: number;
  /** A rise below this many bytes over the span is not called growing, however significant. */
  readonly minGrowthBytes: number;
  /** ...nor below this share of the mean memory after GC. */
  readonly minGrowthShare: number;
}

export const DEFAULT_TREND_RULES: TrendRules = { minSamples: 8, recentShare: 0.5, minGrowthBytes: 4 * 1024 * 1024, minGrowthShare: 0.1 };

/** Two-sided 95% critical values of Student's t for 1..30 degrees of freedom; 1.96 beyond. */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

function t95(df: number): number {
  return df <= T95.length ? T95[df - 1]! : 1.96;
}

const HOUR_MS = 3_600_000;

/**
 * The verdict over the samples. Only a full (mark-compact) collection leaves nothing but live
 * memory: after a minor one, old space still holds promoted garbage, which grows until the next
 * full collection and looks exactly like a leak. So the fit reads only the windows that had a
 * full collection (the sampler runs one when the app goes too long without), and only the recent
 * share of the history (start-up fills caches and compiles code: growth that stops).
 *
 * `growing` needs the slope's whole 95% interval above zero AND a material rise (TrendRules);
 * `stable` is enough samples without that; `unknown` is too few. Ordinary least squares on
 * (hours, bytes), the interval from Student's t.
 */
export function fitTrend(all: readonly TrendSample[], rules: TrendRules = DEFAULT_TREND_RULES): TrendFit {
  const recent = all.slice(all.length - Math.ceil(all.length * rules.recentShare));
  const points = recent.filter((s): s is TrendSample & { liveAfterGc: number } => s.fullGc && s.liveAfterGc !== null);
  const n = points.length;
  const spanSeconds = n > 1 ? (points[n - 1]!.at - points[0]!.at) / 1000 : 0;
  const none = { samples: n, spanSeconds, slopeBytesPerHour: null, slopeCi95: null, fittedGrowth: null };
  const tooFew = `${n} recent sample(s) after a full collection; need ${rules.minSamples}`;
  if (n < 3) return { ...none, verdict: 'unknown', reason: tooFew };
  const t0 = points[0]!.at;
  const xs = points.map((p) => (p.at - t0) / HOUR_MS);
  const ys = points.map((p) => p.liveAfterGc);
  const { mx, my, sxx, slope } = leastSquares(xs, ys);
  if (sxx === 0) return { ...none, verdict: 'unknown', reason: 'all samples at one moment' };
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ys[i]! - (my + slope * (xs[i]! - mx))) ** 2;
  const half = t95(n - 2) * Math.sqrt(sse / (n - 2) / sxx);
  const ci: [number, number] = [slope - half, slope + half];
  const fittedGrowth = slope * (xs[n - 1]! - xs[0]!);
  const fit = { samples: n, spanSeconds, slopeBytesPerHour: slope, slopeCi95: ci, fittedGrowth };
  if (n < rules.minSamples) return { ...fit, verdict: 'unknown', reason: tooFew };
  const material = Math.max(rules.minGrowthBytes, rules.minGrowthShare * my);
  if (!(ci[0] > 0)) return { ...fit, verdict: 'stable', reason: "the slope's 95% interval includes zero" };
  if (fittedGrowth < material) return { ...fit, verdict: 'stable', reason: `the fitted rise, ${formatBytes(fittedGrowth)}, is below the ${formatBytes(material)} that counts` };
  return { ...fit, verdict: 'growing', reason: `the slope's 95% interval is above zero and memory after full collections rose ${formatBytes(fittedGrowth)}` };
}

/** The latest memory after GC of the history (null when no window had a collection), searched from the end without a copy. */
export function lastLiveAfterGc(history: readonly TrendSample[]): number | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const live = history[i]!.liveAfterGc;
    if (live !== null) return live;
  }
  return null;
}

/** The least-squares line of y over x: the means, x's sum of squares about its mean, the slope (0 when x never varies). */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { mx: number; my: number; sxx: number; slope: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  return { mx, my, sxx, slope: sxx === 0 ? 0 : sxy / sxx };
}
