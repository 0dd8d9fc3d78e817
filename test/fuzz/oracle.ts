/**
 * The oracle, from the reliability issue: every run must "exit 0, 1 or 2 with a one-line message,
 * never 70 (internal error), never a hang". A message is one line starting with `logsift: ` (or a
 * per-file summary such as `3 lines did not match combined (first: f:1)`), or a query error: that
 * line, the query indented by two spaces, and a caret line under it.
 */

/** What one run of a case did (as the worker or the watchdog saw it). */
export type Outcome =
  | {
      readonly status: 'exited';
      readonly code: number;
      /** The errorLine calls, clipped to a few thousand characters each. */
      readonly messages: readonly string[];
      readonly droppedMessages: number;
      /** Messages whose whole text failed messageShapeOk (judged before clipping). */
      readonly badShape: readonly string[];
      readonly ms: number;
    }
  | { readonly status: 'hang'; readonly ms: number }
  | { readonly status: 'crash'; readonly error: string; readonly ms: number };

export interface Verdict {
  /** Why the run fails the oracle, e.g. `exit 70`, `hang`, `message shape`. */
  readonly problem: string;
  /** The message or error that shows it (normalised for grouping by `signature`). */
  readonly detail: string;
}

const QUERY_ERROR_CARET = /^ *\^$/;
/** The per-file summaries and notes that come without the prefix (src/core/diagnostics.ts). */
const SUMMARY = /^(\d+ lines? (did not match |was longer than |were longer than |was repaired in |were repaired in )|note: )/;

/**
 * Does one errorLine call have an allowed shape? One line that starts with `logsift: ` or is a
 * per-file summary or note; or a query error or a pattern format's error (three lines, with a
 * caret); or the --profile table.
 */
export function messageShapeOk(message: string): boolean {
  if (message.includes('\r')) return false;
  const lines = message.split('\n');
  if (lines.length === 1) return message.startsWith('logsift: ') || SUMMARY.test(message);
  if (/^stage +in +out /.test(lines[0]!) && lines[lines.length - 1]!.startsWith('peak RSS ')) return true;
  return (
    lines.length === 3 &&
    (lines[0]!.startsWith('logsift: query error: ') || lines[0]!.startsWith('logsift: bad format: ')) &&
    lines[1]!.startsWith('  ') &&
    QUERY_ERROR_CARET.test(lines[2]!)
  );
}

/** The verdicts of one outcome; empty when the run passes. */
export function judge(outcome: Outcome): Verdict[] {
  if (outcome.status === 'hang') return [{ problem: 'hang', detail: `no answer within ${Math.round(outcome.ms)} ms` }];
  if (outcome.status === 'crash') return [{ problem: 'worker crash', detail: outcome.error }];
  const verdicts: Verdict[] = [];
  const internal = outcome.messages.find((m) => m.includes('internal error'));
  if (outcome.code !== 0 && outcome.code !== 1 && outcome.code !== 2) {
    verdicts.push({ problem: `exit ${outcome.code}`, detail: internal ?? outcome.messages[0] ?? '(no message)' });
  } else if (internal !== undefined) {
    verdicts.push({ problem: 'internal error message', detail: internal });
  }
  const bad = outcome.badShape.find((m) => !m.includes('internal error'));
  if (bad !== undefined) verdicts.push({ problem: 'message shape', detail: bad });
  if (outcome.code !== 0 && outcome.messages.length === 0) verdicts.push({ problem: 'silent failure', detail: `exit ${outcome.code} with no message` });
  return verdicts;
}

/**
 * A grouping key for a verdict: the problem plus its message with the varying parts (case
 * directories, numbers, quoted text) taken out, so one cause met many times is one group.
 */
export function signature(v: Verdict, caseDir: string): string {
  const first = v.detail.split(caseDir).join('DIR').split('\n')[0]!;
  if (v.problem === 'message shape') {
    // The text of such messages echoes what the user wrote; the cause is the rule broken and
    // the kind of message (its first words).
    const why = v.detail.includes('\r') ? 'carriage return' : v.detail.includes('\n') ? 'line break' : 'no prefix';
    const words = first.replace(/\d+/g, 'N').split(' ').slice(0, 3).join(' ');
    return `${v.problem} (${why}): ${words} ...`;
  }
  let d = first.replace(/'[^']*'|"[^"]*"/g, 'Q').replace(/\d+/g, 'N');
  if (d.length > 160) d = `${d.slice(0, 160)}...`;
  return `${v.problem}: ${d}`;
}
