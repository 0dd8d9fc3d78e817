/**
 * Lists in queries. Values have no list kind: a list is the JSON text of an array, as JSON logs
 * write one (`"tags": ["a", "b"]` reads as the text `["a","b"]`) and as `split()` makes one. These
 * helpers read such text back, for `[i]`, `len()` and `contains`.
 */
import type { Value } from '../core/value.js';

let lastText: string | null = null;
let lastList: readonly Value[] | null = null;

/** The elements of a value that is the JSON text of an array, else null (one entry cached: rows repeat). */
export function jsonList(v: Value): readonly Value[] | null {
  if (typeof v !== 'string' || v.length < 2 || v.charCodeAt(0) !== 0x5b || v.charCodeAt(v.length - 1) !== 0x5d) return null;
  if (v === lastText) return lastList;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = null;
  }
  lastText = v;
  lastList = Array.isArray(parsed) ? parsed.map(elementValue) : null;
  return lastList;
}

/** An element as a Value: scalars as they are, nested arrays and objects as their JSON text. */
function elementValue(e: unknown): Value {
  if (e === null || typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean') return e;
  return JSON.stringify(e);
}

/** Element `index` of a list (negative counts from the end); null when out of range or not a list. */
export function listElement(list: readonly Value[] | null, index: number): Value {
  if (list === null || index !== index) return null;
  const i = Math.trunc(index < 0 ? list.length + index : index);
  return i >= 0 && i < list.length ? (list[i] ?? null) : null;
}
