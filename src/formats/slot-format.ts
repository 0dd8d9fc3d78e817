import type { LineBatch } from '../core/batch.js';
import { LINE_FIELD, type FieldReader, type FieldSpec, type FieldType, type LogFormat, type RowParser } from '../core/format.js';
import { decodeText } from '../core/text.js';
import { Instant, type Value } from '../core/value.js';
import { numberFromText } from './bytes.js';
import { LINE_READER, withLineField } from './line-field.js';
import { SpanState } from './span-state.js';

/**
 * The frame of the byte-level application-log parsers whose fields sit in a fixed order (the
 * Apache error log, syslog): field k of the layout is slot k of a SpanState. A line's parser
 * writes, for each slot, its byte range (start -1: the line lacks it) and for numbers and times
 * their value (NaN: absent). Strings stay bytes and are read through span(); nothing is decoded
 * or allocated per line.
 *
 * These layouts end with a free-text message that is never scanned, so a line is parsed whole
 * (its prefix, validated, and the message's range) whatever the query needs: projection would
 * save a few stores, and which lines are malformed must never depend on the query anyway.
 */
export abstract class SlotParser implements RowParser {
  protected readonly state: SpanState;
  private readonly readers = new Map<string, FieldReader>();

  /** `custom`: readers of fields that are not their slot's bytes (syslog's level, named from a number). */
  constructor(
    readonly format: LogFormat,
    slots: readonly FieldSpec[],
    custom: Readonly<Record<string, FieldReader>> = {},
  ) {
    this.state = new SpanState(2 * slots.length, slots.length);
    slots.forEach((spec, slot) => this.readers.set(spec.name, Object.hasOwn(custom, spec.name) ? custom[spec.name]! : slotReader(spec, slot)));
  }

  /** Parses buf[s, e) into the row's slots (spans at `o`, numbers at `no`); false when malformed. */
  protected abstract parseLine(buf: Buffer, s: number, e: number, spans: Int32Array, o: number, nums: Float64Array, offsets: Int16Array, no: number): boolean;

  /** Called before each batch (syslog picks the year of its source there). */
  protected beginBatch(_b: LineBatch): void {}

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const state = this.state;
    state.ensureRows(b.count);
    this.beginBatch(b);
    const { buf, starts, ends, sel } = b;
    const { spans, nums, offsets, spanStride, numStride } = state;
    const selCount = b.selCount;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      if (this.parseLine(buf, starts[row], ends[row], spans, row * spanStride, nums, offsets, row * numStride)) sel[kept++] = row;
      else onMalformed(row);
    }
    b.selCount = kept;
    b.parsed = state;
    b.parser = this;
  }

  reader(field: string): FieldReader | undefined {
    return field === LINE_FIELD.name ? LINE_READER : this.readers.get(field);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const [name, reader] of this.readers) out[name] = reader.value(b, row);
    return out;
  }
}

function slotReader(spec: FieldSpec, slot: number): FieldReader {
  return spec.type === 'time' || spec.type === 'number' ? new SlotScannedReader(spec.name, slot, spec.type) : new SlotStringReader(spec.name, slot);
}

/** A layout's format: its name, its fields in slot order (plus `line`), and its parser. */
export function slotFormat(name: string, slots: readonly FieldSpec[], make: (format: LogFormat) => RowParser): LogFormat {
  const format: LogFormat = {
    name,
    fields: withLineField(slots),
    parser: () => make(format),
  };
  return format;
}

/** Clears every slot of a row: each field "absent" until the line's parser finds it. */
export function clearSlots(spans: Int32Array, o: number, nums: Float64Array, no: number, slots: number): void {
  for (let k = 0; k < slots; k++) {
    spans[o + 2 * k] = -1;
    spans[o + 2 * k + 1] = -1;
    nums[no + k] = NaN;
  }
}

function spanText(b: LineBatch, row: number, slot: number): string | undefined {
  const state = b.parsed as SpanState;
  const i = row * state.spanStride + 2 * slot;
  const start = state.spans[i]!;
  return start < 0 ? undefined : decodeText(b.buf, start, state.spans[i + 1]!);
}

function slotValue(type: FieldType, b: LineBatch, row: number, slot: number): Value {
  const state = b.parsed as SpanState;
  const n = state.nums[row * state.numStride + slot]!;
  if (type === 'time') return n === n ? new Instant(n, state.offsets[row * state.numStride + slot]!) : null;
  if (type === 'number') return n === n ? n : null;
  return spanText(b, row, slot) ?? null;
}

class SlotStringReader implements FieldReader {
  readonly type: FieldType = 'string';

  constructor(
    readonly name: string,
    private readonly slot: number,
  ) {}

  str(b: LineBatch, row: number): string | undefined {
    return spanText(b, row, this.slot);
  }

  num(b: LineBatch, row: number): number {
    const text = spanText(b, row, this.slot);
    return text === undefined ? NaN : numberFromText(text);
  }

  value(b: LineBatch, row: number): Value {
    return spanText(b, row, this.slot) ?? null;
  }

  span(b: LineBatch, row: number, out: Int32Array): Uint8Array | null {
    const state = b.parsed as SpanState;
    const i = row * state.spanStride + 2 * this.slot;
    const start = state.spans[i]!;
    if (start < 0) return null;
    out[0] = start;
    out[1] = state.spans[i + 1]!;
    return b.buf;
  }
}

/** A number or a time: its value was scanned into the slot's number at parse time. */
class SlotScannedReader implements FieldReader {
  constructor(
    readonly name: string,
    private readonly slot: number,
    readonly type: 'number' | 'time',
  ) {}

  str(b: LineBatch, row: number): string | undefined {
    return spanText(b, row, this.slot);
  }

  num(b: LineBatch, row: number): number {
    const state = b.parsed as SpanState;
    return state.nums[row * state.numStride + this.slot]!;
  }

  value(b: LineBatch, row: number): Value {
    return slotValue(this.type, b, row, this.slot);
  }
}
