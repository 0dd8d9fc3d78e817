import { Instant, type Value } from '../core/value.js';

/**
 * A value as JSON text: bigints as their exact digits (a JSON number, not a string, and not
 * rounded through a double), Instants as ISO-8601 strings in their original offset, null as null.
 * Non-finite numbers have no JSON form and are written as null.
 */
export function jsonValue(v: Value): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    default:
      return JSON.stringify(v instanceof Instant ? v.toString() : String(v));
  }
}

/** Builds `{"col":value,...}` for rows of one schema, with the key texts escaped once. */
export function rowObjectEncoder(columns: readonly string[]): (row: readonly Value[]) => string {
  const prefixes = columns.map((name, i) => (i === 0 ? '{' : ',') + JSON.stringify(name) + ':');
  return (row) => {
    let out = '';
    for (let i = 0; i < prefixes.length; i++) out += prefixes[i] + jsonValue(row[i] ?? null);
    return prefixes.length === 0 ? '{}' : out + '}';
  };
}
