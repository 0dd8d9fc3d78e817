/**
 * `--since` and `--until`: the records whose time lies in a window, before the query sees them.
 * A bound is an absolute time (a zone makes it an instant; without one it is on the log's own
 * clock, like a time literal in a query) or a duration back from the run's now (`1h`, `2d`,
 * `1h30m`), which the run fixes once so every thread agrees.
 */
import { UsageError } from '../core/errors.js';
import type { RowParser } from '../core/format.js';
import type { CompareExpr, Expr, FieldRef } from '../query/ast.js';
import { toInstant } from '../query/check-operand.js';
import { compilePredicate, type BatchPredicate } from '../query/compile.js';
import { QueryError } from '../query/errors.js';

export interface TimeWindow {
  /** Records at or after this time (as `resolveBound` wrote it). */
  readonly since?: string | undefined;
  /** Records before this time. */
  readonly until?: string | undefined;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/i;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gi;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The bound as an absolute time text: a duration becomes `now` less it (in UTC, with its zone);
 * a time is checked and kept as written. A UsageError names the option when it is neither.
 */
export function resolveBound(option: string, text: string, now: number): string {
  const trimmed = text.trim();
  const ms = durationMs(trimmed);
  if (ms !== null) return new Date(now - ms).toISOString();
  try {
    toInstant({ kind: 'string', value: trimmed, start: 0, end: 0 });
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    throw new UsageError(`${option}: '${text}' is neither a time (2015-05-17T10:00:00Z, "2015-05-17 10:00") nor a duration back from now (30m, 1h, 2d)`);
  }
  return trimmed;
}

/** A duration (`500ms`, `5s`, `1h30m`) in milliseconds, or null when `text` is not one. */
export function durationMs(text: string): number | null {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return null;
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit!.toLowerCase()]!;
  return ms;
}

/** The window's condition for one format's records; null when there is no window. */
export function windowPredicate(window: TimeWindow, parser: RowParser): BatchPredicate | null {
  if (window.since === undefined && window.until === undefined) return null;
  if (parser.reader('time') === undefined) {
    const which = window.since !== undefined ? '--since' : '--until';
    throw new UsageError(`${which}: records of the ${parser.format.name} format have no time field to compare`);
  }
  const time: FieldRef = { kind: 'field', name: 'time', computed: false, start: 0, end: 0 };
  const bound = (op: CompareExpr['op'], text: string): CompareExpr => ({
    kind: 'compare',
    op,
    left: time,
    right: toInstant({ kind: 'string', value: text, start: 0, end: 0 }),
    start: 0,
    end: 0,
  });
  const parts: Expr[] = [];
  if (window.since !== undefined) parts.push(bound('>=', window.since));
  if (window.until !== undefined) parts.push(bound('<', window.until));
  const expr: Expr = parts.length === 1 ? parts[0]! : { kind: 'and', left: parts[0]!, right: parts[1]!, start: 0, end: 0 };
  return compilePredicate(expr, parser);
}
