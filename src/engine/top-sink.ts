import type { LineBatch } from '../core/batch.js';
import type { Row, RowSchema } from '../core/row.js';
import type { Value } from '../core/value.js';
import { TopCounter } from '../aggregates/top-counter.js';
import type { RowParser } from '../core/format.js';
import { columnName } from '../query/ast.js';
import { compileGroupKey } from '../query/compile.js';
import type { StageMeter } from '../core/meters.js';
import type { TopPlan } from './plan.js';

type KeyFn = (b: LineBatch, row: number) => Value;

/**
 * The sink of `top N field`: counts each selected record's key in a TopCounter, exact up to
 * `limit` distinct keys, then a bounded Space-Saving sketch whose counts are marked as estimates
 * with their largest possible overcount.
 */
export class TopSink {
  readonly done = false;
  counter: TopCounter;
  private readonly keys = new Map<RowParser, KeyFn>();

  constructor(
    private readonly top: TopPlan,
    limit: number,
    private readonly stats: StageMeter,
  ) {
    this.counter = new TopCounter(limit);
  }

  /** An empty counter for the next part of the input. */
  reset(): void {
    this.counter = new TopCounter(this.counter.limit);
  }

  consume(b: LineBatch): void {
    const parser = b.parser!;
    let key = this.keys.get(parser);
    if (!key) {
      key = compileGroupKey(this.top.field, parser);
      this.keys.set(parser, key);
    }
    this.stats.begin(b.selCount);
    const counter = this.counter;
    const sel = b.sel;
    for (let i = 0; i < b.selCount; i++) counter.add(key(b, sel[i]!));
    this.stats.end(0);
  }

  /** The answer: its columns (field, count), count marked when the sketch may have moved it, and the rows. */
  static answer(top: TopPlan, counter: TopCounter): { schema: RowSchema; rows: Row[] } {
    const answer = counter.top(top.n);
    const estimates: Record<string, string> = {};
    if (answer.estimate) {
      const over = Math.max(0, ...answer.rows.map((r) => r.error));
      estimates['count'] = `over by at most ${over.toLocaleString('en-US')}`;
    }
    const schema = { columns: [columnName(top.field), 'count'], estimates };
    return { schema, rows: answer.rows.map(({ key, count }) => [key, count]) };
  }
}
