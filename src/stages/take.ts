import type { LineBatch } from '../core/batch.js';
import type { RunContext } from '../core/run-context.js';

/**
 * Keeps the first `n` records (or values) and then stops pulling: returning from this generator
 * makes every upstream stage's `for await` end, which closes the files being read. So `take(10)`
 * on a 50 GB file reads a chunk or two.
 */
export function take(ctx: RunContext, n: number) {
  const stats = ctx.meters.stage('take');
  return async function* takeStage<T extends LineBatch | readonly unknown[]>(
    items: AsyncIterable<T>,
  ): AsyncGenerator<T> {
    let left = n;
    if (left <= 0) return;
    for await (const item of items) {
      if (Array.isArray(item)) {
        const values = item as readonly unknown[];
        stats.begin(values.length);
        const kept = values.length <= left ? values : values.slice(0, left);
        left -= kept.length;
        stats.end(kept.length);
        yield kept as T;
      } else {
        const b = item as LineBatch;
        stats.begin(b.selCount);
        if (b.selCount > left) b.selCount = left;
        left -= b.selCount;
        stats.end(b.selCount);
        yield item;
      }
      if (left <= 0) return;
    }
  };
}
