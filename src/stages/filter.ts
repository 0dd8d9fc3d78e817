import type { RowParser } from '../core/format.js';
import type { RunContext } from '../core/run-context.js';
import { selectRows, type RowPredicate } from './select.js';
import type { LineBatch } from '../core/batch.js';
import type { Value } from '../core/value.js';
import { compilePredicate } from '../query/compile.js';
import { QueryError } from '../query/errors.js';
import { parseQuery } from '../query/parser.js';
import { typecheck } from '../query/typecheck.js';

/** Builds a row predicate for one parser (a format); called once per format, not per row. */
export type PredicateFactory = (parser: RowParser) => RowPredicate;

/**
 * parse -> filter: keeps the records the predicate accepts. The predicate is compiled once per
 * format met (sources of different formats can be mixed) and then runs synchronously per row.
 */
export function filterBatches(ctx: RunContext, makePredicate: PredicateFactory, stageName = 'filter') {
  const compiled = new Map<RowParser, RowPredicate>();
  const stats = ctx.meters.stage(stageName);
  return async function* filterStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    for await (const b of batches) {
      const parser = b.parser;
      if (!parser) throw new Error('filter needs parsed batches: put parse() before filter()');
      let keep = compiled.get(parser);
      if (!keep) {
        keep = makePredicate(parser);
        compiled.set(parser, keep);
      }
      stats.begin(b.selCount);
      selectRows(b, keep);
      stats.end(b.selCount);
      if (b.selCount > 0) yield b;
    }
  };
}

/**
 * The library's filter: a query expression (`'level == "ERROR"'`, compiled to byte-level
 * predicates per format) or a function of the parsed record (convenient, but it builds an object
 * per record).
 */
export function filter(ctx: RunContext, condition: string | ((record: Record<string, Value>) => boolean)) {
  if (typeof condition === 'function') {
    return filterBatches(ctx, (parser) => (b, row) => condition(parser.record(b, row)));
  }
  const query = parseQuery(condition);
  const exprs = query.stages.map((stage) => {
    if (stage.kind !== 'where') throw new QueryError('filter() takes a boolean expression, not a pipeline', stage.start);
    return stage;
  });
  return filterBatches(ctx, (parser) => {
    const typed = typecheck(query, parser.format.fields).stages.map((s) => s.stage);
    const predicates = typed.map((stage, i) => {
      if (stage.kind !== 'where') throw new QueryError('filter() takes a boolean expression', exprs[i]!.start);
      return compilePredicate(stage.expr, parser);
    });
    if (predicates.length === 1) return predicates[0]!;
    return (b, row) => predicates.every((p) => p(b, row));
  });
}
