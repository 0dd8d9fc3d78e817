import type { LineBatch } from '../../core/batch.js';
import type { FieldReader, FieldSpec, FieldType } from '../../core/format.js';
import type { Value } from '../../core/value.js';
import { isDigit } from '../bytes.js';
import type { SpanState } from '../span-state.js';

/**
 * What the two syslog formats share: the `<PRI>` prefix (facility * 8 + severity) and the
 * severity's name as the record's `level`.
 */

/** Slots every syslog layout starts with, in this order. */
export const PRI_SLOTS: readonly FieldSpec[] = [
  { name: 'priority', type: 'number' },
  { name: 'facility', type: 'number' },
  { name: 'severity', type: 'number' },
  { name: 'level', type: 'string' },
];
export const PRIORITY = 0;
export const FACILITY = 1;
export const SEVERITY = 2;

/**
 * Reads `<PRI>` at p (1 to 3 digits, at most 191) into the first three slots; returns the index
 * after `>`, p itself when the line has no PRI (RFC 3164 files written by syslogd drop it), or -1
 * when a `<` starts something that is not a PRI.
 */
export function scanPri(buf: Buffer, p: number, e: number, nums: Float64Array, no: number): number {
  if (p >= e || buf[p] !== 0x3c) return p;
  let q = p + 1;
  let value = 0;
  while (q < e && q - p <= 3 && isDigit(buf[q])) value = value * 10 + (buf[q++] - 0x30);
  if (q === p + 1 || q >= e || buf[q] !== 0x3e || value > 191) return -1;
  nums[no + PRIORITY] = value;
  nums[no + FACILITY] = value >> 3;
  nums[no + SEVERITY] = value & 7;
  return q + 1;
}

/** RFC 5424's severity keywords (table 2), which syslog tools print. */
const NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
/** The names as bytes, so that `level == "err"` compares bytes as for any other string field. */
const NAME_BYTES = Buffer.from(NAMES.join(''));
const NAME_START = new Int32Array(NAMES.length);
NAMES.reduce((at, name, i) => ((NAME_START[i] = at), at + name.length), 0);

/** `level`: the severity's name; absent when the line has no PRI. */
export class SeverityLevelReader implements FieldReader {
  readonly name = 'level';
  readonly type: FieldType = 'string';

  private severity(b: LineBatch, row: number): number {
    const state = b.parsed as SpanState;
    return state.nums[row * state.numStride + SEVERITY]!;
  }

  str(b: LineBatch, row: number): string | undefined {
    const s = this.severity(b, row);
    return s === s ? NAMES[s] : undefined;
  }

  num(): number {
    return NaN;
  }

  value(b: LineBatch, row: number): Value {
    return this.str(b, row) ?? null;
  }

  span(b: LineBatch, row: number, out: Int32Array): Uint8Array | null {
    const s = this.severity(b, row);
    if (s !== s) return null;
    out[0] = NAME_START[s]!;
    out[1] = NAME_START[s]! + NAMES[s]!.length;
    return NAME_BYTES;
  }
}
