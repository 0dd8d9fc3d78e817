import type { LineBatch } from '../../core/batch.js';
import type { Value } from '../../core/value.js';
import type { FieldReader, FieldType } from '../../core/format.js';
import {
  fieldNumber,
  fieldText,
  fieldValue,
  locate,
  located,
  type AccessFieldRef,
} from './access-fields.js';
import type { SpanState } from '../span-state.js';

/**
 * Readers over an SpanState. Every row that survived parse() has every field of the format
 * (a field with `-` holds `-`), so these never answer "absent" except for a number written `-`.
 */
class AccessReader implements FieldReader {
  readonly name: string;
  readonly type: FieldType;

  constructor(protected readonly ref: AccessFieldRef) {
    this.name = ref.name;
    this.type = ref.type;
  }

  str(b: LineBatch, row: number): string | undefined {
    return fieldText(b.buf, b.parsed as SpanState, row, this.ref);
  }

  num(b: LineBatch, row: number): number {
    return fieldNumber(b.buf, b.parsed as SpanState, row, this.ref);
  }

  value(b: LineBatch, row: number): Value {
    return fieldValue(b.buf, b.parsed as SpanState, row, this.ref);
  }
}

/** String fields are exactly their bytes (escapes are kept as written), so they offer span(). */
class AccessStringReader extends AccessReader {
  span(b: LineBatch, row: number, out: Int32Array): Uint8Array {
    locate(b.buf, b.parsed as SpanState, row, this.ref);
    out[0] = located[0];
    out[1] = located[1];
    return b.buf;
  }
}

export function accessReader(ref: AccessFieldRef): FieldReader {
  return ref.kind === 'string' ? new AccessStringReader(ref) : new AccessReader(ref);
}
