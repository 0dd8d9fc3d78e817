import { MIN_TOKEN_LENGTH } from './auth.js';
import type { PromRegistry } from './metrics.js';
import { DEFAULT_TREND_RULES, type TrendRules } from './trend-fit.js';

/** Where the endpoints live unless told. */
export const DEFAULT_PREFIX = '/debug/memory';

export interface InspectorOptions {
  /** The bearer token every request must carry (at least 16 characters). Required unless `insecure`. */
  readonly token?: string;
  /** No token: answer only requests from this machine, and listen() only on loopback. */
  readonly insecure?: boolean;
  /** Where the endpoints live (default `/debug/memory`). */
  readonly prefix?: string;
  /** Most snapshots kept; the oldest is dropped for a new one (default 8). */
  readonly maxSnapshots?: number;
  /** A snapshot is dropped this long after it was taken (default 3600 s). */
  readonly snapshotTtlSeconds?: number;
  /** How often the trend sampler reads the GC record (default 10000 ms). */
  readonly trendIntervalMs?: number;
  /**
   * When no full collection ran for this long, the trend sampler runs one (default 120000 ms; 0:
   * never): only after a full collection can a rise be told from garbage waiting for one.
   */
  readonly trendFullGcAfterMs?: number;
  /** Trend samples kept (default 360: an hour at the default interval). */
  readonly trendSamples?: number;
  /** When a rise counts as growing (see TrendRules). */
  readonly trendRules?: Partial<TrendRules>;
  /** Longest CPU profile a request may ask for (default 60 s). */
  readonly maxCpuProfileSeconds?: number;
  /** Allow `POST {prefix}/heap-snapshot`: it pauses the app and can need many times the heap (default false). */
  readonly allowHeapSnapshot?: boolean;
  /** The app's prom-client registry: the metrics go into it, and `/metrics` answers it. */
  readonly registry?: PromRegistry;
}

export interface ResolvedOptions {
  readonly token: string | null;
  readonly prefix: string;
  readonly maxSnapshots: number;
  readonly snapshotTtlMs: number;
  readonly trendIntervalMs: number;
  readonly trendSamples: number;
  readonly trendFullGcAfterMs: number;
  readonly trendRules: TrendRules;
  readonly maxCpuProfileSeconds: number;
  readonly allowHeapSnapshot: boolean;
  readonly registry: PromRegistry | null;
}

/** A whole-number option from `min` to `max` (no upper bound by default), `fallback` when absent; `who` is named in the error. */
export function wholeNumber(who: string, name: string, value: number | undefined, fallback: number, min: number, max = Infinity): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new RangeError(`${who}: ${name} must be a whole number ${range}, got ${value}`);
  }
  return value;
}

/** Checks the options once, at creation: a mistake is an error then, not a surprise on the first request. */
export function resolveOptions(options: InspectorOptions): ResolvedOptions {
  const { token, insecure } = options;
  if (token !== undefined && insecure) throw new TypeError('createInspector: give a token or insecure: true, not both');
  if (token === undefined && !insecure) {
    throw new TypeError('createInspector: a token is required (every request must send Authorization: Bearer TOKEN); pass insecure: true to answer loopback requests without one');
  }
  if (token !== undefined && (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token))) {
    throw new TypeError(`createInspector: the token must be a string of at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(prefix) || prefix.endsWith('/') || prefix.includes('//')) {
    throw new TypeError(`createInspector: prefix must be a path such as /debug/memory (no trailing slash, query or spaces), got ${JSON.stringify(prefix)}`);
  }
  const ttl = options.snapshotTtlSeconds ?? 3600;
  if (!(ttl > 0 && ttl <= 7 * 24 * 3600)) throw new RangeError(`createInspector: snapshotTtlSeconds must be above 0 and at most a week, got ${ttl}`);
  return {
    token: token ?? null,
    prefix,
    maxSnapshots: wholeNumber('createInspector', 'maxSnapshots', options.maxSnapshots, 8, 1, 1000),
    snapshotTtlMs: ttl * 1000,
    trendIntervalMs: wholeNumber('createInspector', 'trendIntervalMs', options.trendIntervalMs, 10_000, 10, 3_600_000),
    trendSamples: wholeNumber('createInspector', 'trendSamples', options.trendSamples, 360, 3, 100_000),
    trendFullGcAfterMs: wholeNumber('createInspector', 'trendFullGcAfterMs', options.trendFullGcAfterMs, 120_000, 0, 86_400_000),
    trendRules: { ...DEFAULT_TREND_RULES, ...options.trendRules },
    maxCpuProfileSeconds: wholeNumber('createInspector', 'maxCpuProfileSeconds', options.maxCpuProfileSeconds, 60, 1, 3600),
    allowHeapSnapshot: options.allowHeapSnapshot ?? false,
    registry: options.registry ?? null,
  };
}
