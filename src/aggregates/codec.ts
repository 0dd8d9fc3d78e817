/**
 * Checks for decoding shipped states. Encoded data is untrusted, so every decoder checks the
 * shape it reads and throws a short RangeError on the first mismatch: a bad partial result
 * fails where it enters, not later as a crash deep inside a merge or a sketch.
 */

/**
 * Version of the encodings of aggregate states, group tables and top counters. It is written
 * once per envelope (GroupTable, TopCounter), not per state, so a count state stays a bare
 * number; a change to any state encoding bumps it.
 */
export const CODEC_VERSION = 1;

export function fail(what: string, why: string): never {
  throw new RangeError(`bad encoded ${what}: ${why}`);
}

/** A plain object (not null, not an array), to read fields from. */
export function expectRecord(data: unknown, what: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail(what, 'not an object');
  return data as Record<string, unknown>;
}

export function expectArray(data: unknown, what: string, length?: number): unknown[] {
  if (!Array.isArray(data)) fail(what, 'not an array');
  if (length !== undefined && data.length !== length) fail(what, `${data.length} entries, expected ${length}`);
  return data;
}

/** A count: an integer >= 0 (counts are JS numbers, so past 2^53 they are still integers). */
export function expectCount(data: unknown, what: string): number {
  if (typeof data !== 'number' || !Number.isInteger(data) || data < 0) fail(what, 'not a count');
  return data;
}

export function expectVersion(data: Record<string, unknown>, what: string): void {
  if (data.version !== CODEC_VERSION) fail(what, `version ${String(data.version)}, expected ${CODEC_VERSION}`);
}
