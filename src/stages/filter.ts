import type { RowParser } from '../formats/format.js';
import type { RunContext } from './context.js';
import { selectRows, type RowPredicate } from './select.js';
import type { LineBatch } from '../core/batch.js';

/** Builds a row predicate for one parser (a format); called once per format, not per row. */
export type PredicateFactory = (parser: RowParser) => RowPredicate;

/**
 * parse -> filter: keeps the records the predicate accepts. The predicate is compiled once per
 * format met (sources of different formats can be mixed) and then runs synchronously per row.
 */
export function filterBatches(ctx: RunContext, makePredicate: PredicateFactory, stageName = 'filter') {
  const compiled = new Map<RowParser, RowPredicate>();
  return async function* filterStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    const stats = ctx.profile.stage(stageName);
    for await (const b of batches) {
      const parser = b.parser;
      if (!parser) throw new Error('filter needs parsed batches: put parse() before filter()');
      let keep = compiled.get(parser);
      if (!keep) {
        keep = makePredicate(parser);
        compiled.set(parser, keep);
      }
      const t0 = performance.now();
      stats.recordsIn += b.selCount;
      selectRows(b, keep);
      stats.recordsOut += b.selCount;
      stats.ms += performance.now() - t0;
      if (b.selCount > 0) yield b;
    }
  };
}
