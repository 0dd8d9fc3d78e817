import { decodeText } from '../../core/text.js';
import { Instant, type Value } from '../../core/value.js';
import { exactIntegerAt, parseDecimal } from '../bytes.js';
import type { FieldType } from '../../core/format.js';
import type { SpanState } from '../span-state.js';
import { newTimeOut } from '../time/civil.js';
import { ClfTimeParser } from '../time/clf-time.js';
import { REQUEST_PARTS, splitRequest } from './request-line.js';
import type { Template } from './template.js';

/**
 * How a field of an access format is stored and turned into a Value. A `clf_time` is only
 * validated while matching (a line's malformed-ness depends on it, its value rarely matters):
 * it is decoded from its bytes when read. Other times are decoded while matching (their scan
 * finds their end) and read from `nums`.
 */
export type AccessValueKind = 'string' | 'number' | 'numlist' | 'time' | 'clf_time';

/** Where one named field of an access format lives in a SpanState. */
export interface AccessFieldRef {
  readonly name: string;
  readonly type: FieldType;
  readonly kind: AccessValueKind;
  /** Span slot: the template field index (for request parts, the request's). */
  readonly slot: number;
  /** Template field that must be matched for this field to exist. */
  readonly fieldIndex: number;
  /**
   * True for method/url/path/query/protocol derived from the request line. parse() only locates
   * the request; a part is split from it when read (most rows of a filter never need it).
   */
  readonly derived: boolean;
  /** Index in REQUEST_PARTS of a derived field; -1 otherwise. */
  readonly part: number;
}

/** The named fields of a template, including aliases and the parts derived from `request`. */
export function fieldRefs(template: Template): Map<string, AccessFieldRef> {
  const refs = new Map<string, AccessFieldRef>();
  template.fields.forEach((field, index) => {
    const kind: AccessValueKind =
      field.scan === 'clf_time'
        ? 'clf_time'
        : field.type === 'time'
          ? 'time'
          : field.scan === 'numlist'
            ? 'numlist'
            : field.type === 'number'
              ? 'number'
              : 'string';
    const ref: AccessFieldRef = { name: field.name, type: field.type, kind, slot: index, fieldIndex: index, derived: false, part: -1 };
    refs.set(field.name, ref);
    for (const alias of field.aliases) if (!refs.has(alias)) refs.set(alias, ref);
  });
  const request = refs.get('request');
  if (request) {
    REQUEST_PARTS.forEach((part, k) => {
      if (refs.has(part)) return;
      refs.set(part, {
        name: part,
        type: 'string',
        kind: 'string',
        slot: request.slot,
        fieldIndex: request.fieldIndex,
        derived: true,
        part: k,
      });
    });
  }
  return refs;
}

export function spanStart(state: SpanState, row: number, slot: number): number {
  return state.spans[row * state.spanStride + 2 * slot];
}

export function spanEnd(state: SpanState, row: number, slot: number): number {
  return state.spans[row * state.spanStride + 2 * slot + 1];
}

/** Where locate() puts a field's byte range: [start, end). */
export const located = new Int32Array(2);
const parts = new Int32Array(2 * REQUEST_PARTS.length);

/** Puts the byte range of the row's field into `located` (splitting the request for its parts). */
export function locate(buf: Buffer, state: SpanState, row: number, ref: AccessFieldRef): void {
  const start = spanStart(state, row, ref.slot);
  const end = spanEnd(state, row, ref.slot);
  if (ref.part < 0) {
    located[0] = start;
    located[1] = end;
  } else {
    splitRequest(buf, start, end, parts, 0);
    located[0] = parts[2 * ref.part];
    located[1] = parts[2 * ref.part + 1];
  }
}

export function fieldText(buf: Buffer, state: SpanState, row: number, ref: AccessFieldRef): string {
  locate(buf, state, row, ref);
  return decodeText(buf, located[0], located[1]);
}

export function fieldNumber(buf: Buffer, state: SpanState, row: number, ref: AccessFieldRef): number {
  switch (ref.kind) {
    case 'number':
    case 'time':
      return state.nums[row * state.numStride + ref.slot];
    case 'clf_time':
      return decodeClfTime(buf, state, row, ref.slot) ? decoded.ms : NaN;
    case 'numlist':
      return sumOfNumbers(buf, spanStart(state, row, ref.slot), spanEnd(state, row, ref.slot));
    default:
      locate(buf, state, row, ref);
      return parseDecimal(buf, located[0], located[1]);
  }
}

export function fieldValue(buf: Buffer, state: SpanState, row: number, ref: AccessFieldRef): Value {
  switch (ref.kind) {
    case 'string':
      return fieldText(buf, state, row, ref);
    case 'time': {
      const i = row * state.numStride + ref.slot;
      return new Instant(state.nums[i], state.offsets[i]);
    }
    case 'clf_time':
      return decodeClfTime(buf, state, row, ref.slot) ? new Instant(decoded.ms, decoded.offsetMinutes) : null;
    default: {
      const n = fieldNumber(buf, state, row, ref);
      if (n !== n) return null;
      // Counters past 2^53 (a sum of bytes over years): the exact integer from the text.
      if (ref.kind === 'number' && !Number.isSafeInteger(n) && Number.isInteger(n)) {
        return exactIntegerAt(buf, spanStart(state, row, ref.slot), spanEnd(state, row, ref.slot)) ?? n;
      }
      return n;
    }
  }
}

/** Decodes the matched (so valid) CLF time of the row's slot into `decoded`; one cache for all rows. */
const clfDecoder = new ClfTimeParser();
const decoded = newTimeOut();

function decodeClfTime(buf: Buffer, state: SpanState, row: number, slot: number): boolean {
  return clfDecoder.parse(buf, spanStart(state, row, slot), spanEnd(state, row, slot), decoded);
}

/**
 * Sum of the numbers in a list such as nginx's `$upstream_response_time` when several upstreams
 * were tried (`0.010, 0.004 : 0.002`); NaN when there is none (`-`).
 */
export function sumOfNumbers(buf: Buffer, s: number, e: number): number {
  let sum = 0;
  let found = false;
  let p = s;
  while (p < e) {
    while (p < e && !isNumberByte(buf[p])) p++;
    const start = p;
    while (p < e && isNumberByte(buf[p])) p++;
    if (p > start) {
      const n = parseDecimal(buf, start, p);
      if (n === n) {
        sum += n;
        found = true;
      }
    }
  }
  return found ? sum : NaN;
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e;
}
