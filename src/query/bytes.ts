/**
 * Byte comparisons of a field's span `buf[start, end)` against a pre-encoded literal, for the
 * predicate hot path: no string is decoded and nothing is allocated. Plain loops beat the native
 * Buffer calls for the short literals queries use (and `buf.indexOf` would search past `end`).
 */

export function equalsAt(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  if (end - start !== n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== lit[i]) return false;
  return true;
}

export function startsWithAt(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  if (end - start < n) return false;
  for (let i = 0; i < n; i++) if (buf[start + i] !== lit[i]) return false;
  return true;
}

export function endsWithAt(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  const from = end - n;
  if (from < start) return false;
  for (let i = 0; i < n; i++) if (buf[from + i] !== lit[i]) return false;
  return true;
}

export function containsAt(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  const n = lit.length;
  if (n === 0) return true;
  const first = lit[0];
  const last = end - n;
  outer: for (let i = start; i <= last; i++) {
    if (buf[i] !== first) continue;
    for (let j = 1; j < n; j++) if (buf[i + j] !== lit[j]) continue outer;
    return true;
  }
  return false;
}

/** True when any literal equals the span. */
export function equalsAnyAt(buf: Uint8Array, start: number, end: number, lits: readonly Uint8Array[]): boolean {
  for (let k = 0; k < lits.length; k++) if (equalsAt(buf, start, end, lits[k]!)) return true;
  return false;
}
