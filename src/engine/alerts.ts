import type { Row } from '../core/row.js';
import { rowObjectEncoder } from '../output/json-value.js';

/** One change of an alert: what `--exec` reads on its stdin and `--webhook` receives, as JSON. */
export interface AlertEvent {
  readonly state: 'firing' | 'resolved';
  /** The alert's query, as given to --alert. */
  readonly rule: string;
  /** The row of the result that fired (for `resolved`: the last row seen before it went away). */
  readonly row: string;
  /** When the change was seen (ISO 8601, UTC). */
  readonly at: string;
}

/** An event as one line of JSON: `{"state":...,"rule":...,"row":{...},"at":...}`. */
export function eventJson(e: AlertEvent): string {
  return `{"state":"${e.state}","rule":${JSON.stringify(e.rule)},"row":${e.row},"at":"${e.at}"}`;
}

/** A result to judge: its rows, and which of its columns are the groups' keys. */
export interface AlertResult {
  readonly columns: readonly string[];
  readonly keys: readonly string[];
  readonly rows: readonly Row[];
}

interface GroupState {
  /** When the row was first seen in this stretch of presence (for `--for`). */
  readonly since: number;
  firing: boolean;
  row: string;
}

/**
 * One `--alert QUERY`: the rows of QUERY's result are the conditions that hold. Each row is known
 * by its group (the values of the key columns; the one row of an aggregate without `by` is one
 * group). A row that appears fires once, after it held for `forMs` (0: at the first evaluation
 * that sees it); it resolves at the first evaluation that no longer sees it. A row that goes away
 * before `forMs` never fires. Memory: one entry per group present now.
 */
export class AlertRule {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    readonly rule: string,
    readonly forMs: number,
  ) {}

  /** Judges the result of one evaluation at `now` (epoch ms): the events it causes, in row order. */
  evaluate(result: AlertResult, now: number): AlertEvent[] {
    const at = new Date(now).toISOString();
    const keyAt = result.keys.map((k) => result.columns.indexOf(k));
    const keyOf = rowObjectEncoder(result.keys);
    const rowOf = rowObjectEncoder(result.columns);
    const seen = new Set<string>();
    const events: AlertEvent[] = [];
    for (const r of result.rows) {
      const key = keyOf(keyAt.map((i) => r[i] ?? null));
      seen.add(key);
      const row = rowOf(r);
      let group = this.groups.get(key);
      if (!group) {
        group = { since: now, firing: false, row };
        this.groups.set(key, group);
      }
      group.row = row;
      if (!group.firing && now - group.since >= this.forMs) {
        group.firing = true;
        events.push({ state: 'firing', rule: this.rule, row, at });
      }
    }
    for (const [key, group] of this.groups) {
      if (seen.has(key)) continue;
      this.groups.delete(key);
      if (group.firing) events.push({ state: 'resolved', rule: this.rule, row: group.row, at });
    }
    return events;
  }

  /** Groups firing now. */
  get firing(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.firing) n++;
    return n;
  }
}
