/**
 * Log levels as an order of severity, so `level >= "WARN"` means WARN, ERROR, FATAL and the
 * rest above them, whatever case or spelling a log uses. Names come from log4j/logback, syslog
 * (RFC 5424), Apache's LogLevel, Python and Go loggers; numbers are pino/bunyan's (10 trace ...
 * 60 fatal), as JSON logs from Node services write them.
 */
import type { Value } from '../core/value.js';

const RANKS: ReadonlyMap<string, number> = new Map([
  ['trace', 0],
  ['finest', 0],
  ['finer', 0],
  ['debug', 1],
  ['fine', 1],
  ['info', 2],
  ['information', 2],
  ['informational', 2],
  ['notice', 3],
  ['warn', 4],
  ['warning', 4],
  ['error', 5],
  ['err', 5],
  ['severe', 5],
  ['crit', 6],
  ['critical', 6],
  ['alert', 7],
  ['fatal', 8],
  ['emerg', 8],
  ['emergency', 8],
  ['panic', 8],
]);

/** The names, for messages, one per rank. */
export const LEVEL_NAMES = 'TRACE, DEBUG, INFO, NOTICE, WARN, ERROR, CRIT, ALERT, FATAL (EMERG)';

/** pino/bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
const NUMERIC_RANKS: Readonly<Record<number, number>> = { 10: 0, 20: 1, 30: 2, 40: 4, 50: 5, 60: 8 };

/**
 * The rank of a level's text (any case; Apache's `trace1`..`trace8` are trace, and a module
 * prefix such as `core:error` is dropped) or of a pino number; NaN when it is not a level.
 */
export function severityRank(v: Value | undefined): number {
  if (typeof v === 'number') return NUMERIC_RANKS[v] ?? NaN;
  if (typeof v !== 'string') return NaN;
  // Rows repeat a handful of levels: one entry of cache saves the lower-casing.
  if (v === lastText) return lastRank;
  lastText = v;
  lastRank = rankOf(v);
  return lastRank;
}

let lastText: string | null = null;
let lastRank = NaN;

function rankOf(v: string): number {
  let name = v.trim().toLowerCase();
  const colon = name.lastIndexOf(':');
  if (colon >= 0) name = name.slice(colon + 1);
  const rank = RANKS.get(name);
  if (rank !== undefined) return rank;
  return /^trace[1-8]$/.test(name) ? 0 : NaN;
}

/** Whether a string literal names a level (so it can be ordered against one). */
export function isLevelName(text: string): boolean {
  return severityRank(text) === severityRank(text); // not NaN
}
