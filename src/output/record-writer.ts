import type { Value } from '../core/value.js';
import { jsonValue } from './json-value.js';

/** A record as one line of JSON: times as ISO strings with their offset, bigints as their exact digits. */
export function recordJson(record: Record<string, Value>): string {
  let out = '{';
  for (const key of Object.keys(record)) {
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + jsonValue(record[key] ?? null);
  }
  return out + '}';
}
