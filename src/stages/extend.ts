/**
 * `let` and `parse` in the record phase: new fields for the stages after them, without a row
 * object per record. Each batch's parser is swapped for an ExtendedParser whose readers answer
 * the new names (a `let` value is computed when read; `parse` captures are stored per batch) and
 * delegate every other name to the format's parser, so filters, aggregates and output after
 * the stage read new and old fields alike.
 */
import type { LineBatch } from '../core/batch.js';
import { LINE_FIELD, type FieldReader, type LogFormat, type RowParser } from '../core/format.js';
import type { RunContext } from '../core/run-context.js';
import type { Value } from '../core/value.js';
import type { LetStage, ParseStage } from '../query/ast.js';
import { operandReader, readerOrMissing } from '../query/compile.js';
import { extractorOf } from '../query/extract.js';

/** A format's parser with fields added by `let` and `parse` (possibly over another such parser). */
export class ExtendedParser implements RowParser {
  constructor(
    readonly base: RowParser,
    private readonly added: ReadonlyMap<string, FieldReader>,
  ) {}

  get format(): LogFormat {
    return this.base.format;
  }

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    this.base.parse(b, onMalformed);
  }

  reader(field: string): FieldReader | undefined {
    return this.added.get(field) ?? this.base.reader(field);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const record = { ...this.base.record(b, row) };
    for (const [name, reader] of this.added) record[name] = reader.value(b, row);
    return record;
  }

  /** The fields of a record, in order: the format's (when fixed), then the added ones. */
  fieldNames(): string[] {
    const base = this.base instanceof ExtendedParser ? this.base.fieldNames() : (this.format.fields ?? []).filter((f) => f !== LINE_FIELD).map((f) => f.name);
    return [...base.filter((n) => !this.added.has(n)), ...this.added.keys()];
  }
}

/** What a record step does to a batch of one parser: which parser reads it next, and what it fills first. */
interface Extension {
  readonly parser: ExtendedParser;
  /** Fills per-batch state and narrows the selection (parse); absent for let. */
  readonly apply?: (b: LineBatch) => void;
}

/** The record-phase stage of a typed `let` or `parse` (typed per format by `typedFor`). */
export function extendBatches(ctx: RunContext, typedFor: (parser: RowParser) => LetStage | ParseStage) {
  const extensions = new Map<RowParser, Extension>();
  const stats = ctx.meters.stage('extend');
  return async function* extendStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    for await (const b of batches) {
      const parser = b.parser;
      if (!parser) throw new Error('let and parse need parsed batches');
      let extension = extensions.get(parser);
      if (!extension) {
        const stage = typedFor(parser);
        extension = stage.kind === 'let' ? letExtension(parser, stage) : parseExtension(parser, stage);
        extensions.set(parser, extension);
      }
      stats.begin(b.selCount);
      extension.apply?.(b);
      b.parser = extension.parser;
      stats.end(b.selCount);
      if (b.selCount > 0) yield b;
    }
  };
}

function letExtension(parser: RowParser, stage: LetStage): Extension {
  const value = readerOrMissing(stage.value, parser);
  // Readers may be class instances: their methods are called through them, never detached.
  const reader: FieldReader = {
    name: stage.name,
    type: value.type,
    str: (b, row) => value.str(b, row),
    num: (b, row) => value.num(b, row),
    value: (b, row) => value.value(b, row),
  };
  return { parser: new ExtendedParser(parser, new Map([[stage.name, reader]])) };
}

/**
 * `parse`: captures of the rows of the batch going through, by row; rows that do not match leave
 * the selection unless `nodrop` (their captures are then missing).
 */
function parseExtension(parser: RowParser, stage: ParseStage): Extension {
  const extractor = extractorOf(stage);
  const from = operandReader(stage.from, parser);
  const captures: (string | undefined)[][] = stage.names.map(() => []);
  const added = new Map<string, FieldReader>();
  stage.names.forEach((name, k) => {
    const column = captures[k]!;
    added.set(name, {
      name,
      type: 'string',
      str: (_b, row) => column[row],
      num: (_b, row) => {
        const s = column[row];
        return s === undefined || s.trim() === '' ? NaN : Number(s);
      },
      value: (_b, row) => column[row] ?? null,
    });
  });
  const width = stage.names.length;
  const apply = (b: LineBatch): void => {
    for (const column of captures) if (column.length < b.count) column.length = b.count;
    const sel = b.sel;
    let kept = 0;
    for (let i = 0; i < b.selCount; i++) {
      const row = sel[i]!;
      const text = from?.str(b, row);
      const found = text === undefined ? null : extractor.exec(text);
      for (let k = 0; k < width; k++) captures[k]![row] = found?.[k];
      if (found !== null || stage.nodrop) sel[kept++] = row;
    }
    b.selCount = kept;
  };
  return { parser: new ExtendedParser(parser, added), apply };
}
