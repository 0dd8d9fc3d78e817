import { LINE_FIELD, type FieldType, type LogFormat } from '../core/format.js';
import { RunContext } from '../core/run-context.js';
import type { Source } from '../core/source.js';
import { Instant, type Value } from '../core/value.js';
import { resolveFormat, transformOf } from '../formats/registry.js';
import { cat, open } from '../io/cat.js';
import { findSources } from '../io/find.js';
import { lines } from '../io/lines.js';
import { parse } from '../stages/parse.js';
import { fromList, pipe } from '../stages/pipe.js';

/** One field a log yields: its name, its type, and a value from the first record that has it. */
export interface FieldDescription {
  readonly name: string;
  readonly type: FieldType | 'boolean' | 'mixed';
  readonly sample: Value;
}

/** The fields of one input, as its (detected or forced) format reads them. */
export interface InputFields {
  readonly source: string;
  readonly format: string;
  readonly fields: readonly FieldDescription[];
}

/** Records read per input to learn the fields of formats whose fields vary by line (JSON, logfmt). */
const RECORDS_SAMPLED = 1000;

/**
 * `logsift fields PATH`: what each input yields, read through the same stages as a query (so
 * detection, decompression and parsing are the query's own). Fixed-field formats list their
 * fields; JSON and logfmt the keys of their first records, in the order first seen, typed from
 * their values (`mixed` when the records disagree).
 */
export async function describeFields(
  specs: readonly string[],
  options: { format?: string; onInputError?: (message: string) => void } = {},
): Promise<InputFields[]> {
  const ctx = new RunContext({
    reuseBuffers: false,
    onInputError: (e) => options.onInputError?.(e.message),
  });
  const forced = options.format === undefined ? undefined : resolveFormat(options.format);
  const out: InputFields[] = [];
  const sources: Source[] = [];
  for await (const s of findSources(specs, { onError: (e) => ctx.inputFailed(e) })) sources.push(s);
  for (const source of sources) {
    let format: LogFormat | null = null;
    const seen = new Map<string, { type: FieldDescription['type'] | 'null'; sample: Value }>();
    let records = 0;
    const batches = parse(ctx, { ...(forced ? { format: forced } : {}), onFormat: (_s, f) => (format = f) })(
      pipe(fromList([source]), open(ctx, transformOf(forced)), cat(ctx), lines(ctx)),
    );
    for await (const b of batches) {
      // `line` is every format's field, and no record() holds it: its sample is the first line.
      if (b.selCount > 0 && !seen.has(LINE_FIELD.name)) seen.set(LINE_FIELD.name, { type: 'string', sample: b.text(b.sel[0]!) });
      for (let i = 0; i < b.selCount && records < RECORDS_SAMPLED; i++, records++) {
        const record = b.parser!.record(b, b.sel[i]!);
        for (const [name, value] of Object.entries(record)) {
          const type = typeOf(value);
          const known = seen.get(name);
          if (!known) seen.set(name, { type, sample: value });
          else {
            if (known.sample === null && value !== null) known.sample = value;
            if (known.type !== type && type !== 'null') known.type = known.type === 'null' ? type : 'mixed';
          }
        }
      }
      if (records >= RECORDS_SAMPLED) break;
    }
    if (format === null) continue;
    const fixed = (format as LogFormat).fields;
    const fields: FieldDescription[] =
      fixed !== null
        ? fixed.map((f) => ({ name: f.name, type: f.type as FieldDescription['type'], sample: seen.get(f.name)?.sample ?? null }))
        : [...seen]
            .filter(([name]) => name !== LINE_FIELD.name)
            .concat(seen.has(LINE_FIELD.name) ? [[LINE_FIELD.name, seen.get(LINE_FIELD.name)!]] : [])
            .map(([name, { type, sample }]) => ({ name, type: type === 'null' ? 'any' : type, sample }));
    out.push({ source: source.name, format: (format as LogFormat).name, fields });
  }
  return out;
}

function typeOf(value: Value): FieldDescription['type'] | 'null' {
  if (value === null) return 'null';
  if (value instanceof Instant) return 'time';
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'string';
  }
}
