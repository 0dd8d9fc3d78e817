import { Instant, type Value } from '../core/value.js';
import type { Row, RowSchema } from '../core/row.js';
import { decodeValues, encodeValues, type EncodedValue } from '../core/value-codec.js';
import { relativeErrorNote, type Aggregate } from './aggregate.js';
import { CODEC_VERSION, expectArray, expectCount, expectRecord, expectVersion, fail } from './codec.js';

/**
 * A GroupTable as data, to ship partial results between threads or machines: each group's key
 * tuple (kinds kept: 1, "1", 1n, null and an Instant with its offset are all different) and
 * each aggregate's encoded state, in first-seen order. States of records past `maxGroups` are
 * not kept (they are never shown); `droppedRecords` says how many records they held.
 */
export interface EncodedGroupTable {
  version: number;
  keyCount: number;
  groups: [keys: EncodedValue[], states: unknown[]][];
  droppedRecords: number;
}

/**
 * The grouping table of `... by k1, k2`: one entry per distinct key tuple, each holding one
 * state per aggregate.
 *
 * Memory bound: one entry per distinct key (its key values, an array of states, and a map slot),
 * plus what each state holds (see the aggregates: count_distinct and percentile states keep up
 * to their exact limit of values each before switching to a fixed-size sketch). Grouping by a
 * key with millions of values (e.g. `by url` on a crawler log) costs millions of entries, so
 * the table keeps at most `maxGroups` (the CLI's --max-groups) and counts what it turned away.
 *
 * Keys:
 * - no key (`count` alone): one entry, created up front, so the result always has one row;
 * - one key: a Map keyed by the value itself (strings, numbers, bigints, booleans, null), with
 *   Instants (time bins) in a second Map keyed by their ms, so a bin groups by its instant
 *   whatever offset it was written with, and never collides with a plain number;
 * - several keys: a Map keyed by a collision-free string encoding of the tuple (see encodeKey).
 *
 * Usage in the hot loop:
 *   const states = table.entry1(status);          // or table.entry([a, b])
 *   states[i] = aggregates[i].add(states[i], v);  // keep the returned state
 */
export class GroupTable {
  private readonly byValue = new Map<Value, unknown[]>();
  private readonly byInstant = new Map<number, unknown[]>();
  private readonly byEncoding = new Map<string, unknown[]>();
  /** Group keys and states, in first-seen order (the order of `rows()`). */
  private readonly keyRows: Value[][] = [];
  private readonly stateRows: unknown[][] = [];
  readonly keyNames: readonly string[];
  /** States that records of groups past `maxGroups` are added to, and never shown. */
  private overflow: unknown[] | null = null;
  /** Records that belonged to a group past `maxGroups` (so the result is incomplete when > 0). */
  droppedRecords = 0;

  constructor(
    readonly aggregates: readonly Aggregate<unknown>[],
    readonly keyCount: number,
    /** Column names of the keys, e.g. ["bin(time, 1h)"]; defaults to key1, key2... */
    keyNames?: readonly string[],
    /**
     * Most groups kept (memory grows with every group). Records of a new group past this are
     * counted in `droppedRecords`; the groups kept stay exact.
     */
    readonly maxGroups = Infinity,
  ) {
    if (!Number.isInteger(keyCount) || keyCount < 0) throw new RangeError(`bad key count: ${keyCount}`);
    if (keyNames && keyNames.length !== keyCount) {
      throw new RangeError(`${keyNames.length} key names given for ${keyCount} keys`);
    }
    this.keyNames = keyNames ?? Array.from({ length: keyCount }, (_, i) => `key${i + 1}`);
    if (keyCount === 0) this.create([]);
  }

  /** Number of groups (distinct keys) so far. */
  get size(): number {
    return this.keyRows.length;
  }

  /** The states of the group with these keys (keys.length === keyCount), created on first sight. */
  entry(keys: readonly Value[]): unknown[] {
    switch (this.keyCount) {
      case 0:
        return this.stateRows[0];
      case 1:
        return this.entry1(keys[0]);
      default: {
        const encoded = encodeKey(keys, this.keyCount);
        return this.byEncoding.get(encoded) ?? this.remember(this.byEncoding, encoded, keys.slice(0, this.keyCount));
      }
    }
  }

  /** Fast path for one key: no key array is built per record. */
  entry1(key: Value): unknown[] {
    if (key instanceof Instant) return this.byInstant.get(key.ms) ?? this.remember(this.byInstant, key.ms, [key]);
    return this.byValue.get(key) ?? this.remember(this.byValue, key, [key]);
  }

  /** Adds the other table's groups into this one (same aggregates and keys); `other` is unchanged. */
  merge(other: GroupTable): void {
    if (other.keyCount !== this.keyCount || other.aggregates.length !== this.aggregates.length) {
      throw new RangeError('cannot merge group tables of different shapes');
    }
    const aggregates = this.aggregates;
    for (let g = 0; g < other.keyRows.length; g++) {
      const states = this.entry(other.keyRows[g]);
      const theirs = other.stateRows[g];
      for (let i = 0; i < aggregates.length; i++) states[i] = aggregates[i].merge(states[i], theirs[i]);
    }
    this.droppedRecords += other.droppedRecords;
  }

  encode(): EncodedGroupTable {
    const aggregates = this.aggregates;
    const groups: EncodedGroupTable['groups'] = new Array(this.keyRows.length);
    for (let g = 0; g < groups.length; g++) {
      const states = this.stateRows[g];
      groups[g] = [encodeValues(this.keyRows[g]), aggregates.map((a, i) => a.encode(states[i]))];
    }
    return { version: CODEC_VERSION, keyCount: this.keyCount, groups, droppedRecords: this.droppedRecords };
  }

  /**
   * The table `encode` wrote, for these aggregates (the same functions in the same order as the
   * sender's). Throws a RangeError when `data` does not fit: another version or key count,
   * a group of the wrong width, a key tuple seen twice, more groups than `maxGroups`.
   */
  static decode(
    aggregates: readonly Aggregate<unknown>[],
    keyCount: number,
    keyNames: readonly string[] | undefined,
    maxGroups: number,
    data: unknown,
  ): GroupTable {
    const o = expectRecord(data, WHAT);
    expectVersion(o, WHAT);
    if (o.keyCount !== keyCount) fail(WHAT, `${String(o.keyCount)} keys, expected ${keyCount}`);
    const groups = expectArray(o.groups, WHAT);
    // Dropping groups here would lose their records without counting them; refuse instead.
    if (groups.length > maxGroups) fail(WHAT, `${groups.length} groups, more than the limit of ${maxGroups}`);
    if (keyCount === 0 && groups.length !== 1) fail(WHAT, `${groups.length} groups without keys, expected 1`);
    const table = new GroupTable(aggregates, keyCount, keyNames, maxGroups);
    for (const group of groups) table.decodeGroup(group);
    table.droppedRecords = expectCount(o.droppedRecords, WHAT);
    return table;
  }

  private decodeGroup(data: unknown): void {
    const [keys, encodedStates] = expectArray(data, WHAT, 2);
    const aggregates = this.aggregates;
    const stateData = expectArray(encodedStates, WHAT, aggregates.length);
    const size = this.size;
    const states = this.entry(decodeValues(keys, this.keyCount));
    // With no key the one group exists from the start; otherwise a group must be new.
    if (this.keyCount > 0 && this.size === size) fail(WHAT, 'a key tuple appears twice');
    for (let i = 0; i < aggregates.length; i++) states[i] = aggregates[i].decode(stateData[i]);
  }

  /** One row per group in first-seen order: the keys, then each aggregate's result. */
  rows(): Row[] {
    const aggregates = this.aggregates;
    const out: Row[] = new Array(this.keyRows.length);
    for (let g = 0; g < this.keyRows.length; g++) {
      const row: Row = this.keyRows[g].slice();
      const states = this.stateRows[g];
      for (let i = 0; i < aggregates.length; i++) row.push(aggregates[i].result(states[i]));
      out[g] = row;
    }
    return out;
  }

  /** Key columns then aggregate columns; `estimates` names the aggregates where any group's figure is an estimate. */
  schema(): RowSchema {
    const estimates: Record<string, string> = {};
    this.aggregates.forEach((aggregate, i) => {
      const isEstimate = aggregate.isEstimate;
      if (!isEstimate) return;
      if (this.stateRows.some((states) => isEstimate.call(aggregate, states[i]))) {
        estimates[aggregate.name] = relativeErrorNote(aggregate.relativeError);
      }
    });
    return { columns: [...this.keyNames, ...this.aggregates.map((a) => a.name)], estimates };
  }

  private remember<K>(map: Map<K, unknown[]>, mapKey: K, keys: Value[]): unknown[] {
    if (this.keyRows.length >= this.maxGroups) {
      this.droppedRecords++;
      return (this.overflow ??= this.aggregates.map((a) => a.init()));
    }
    const states = this.create(keys);
    map.set(mapKey, states);
    return states;
  }

  private create(keys: Value[]): unknown[] {
    const states = this.aggregates.map((a) => a.init());
    this.keyRows.push(keys);
    this.stateRows.push(states);
    return states;
  }
}

const WHAT = 'group table';

/**
 * A collision-free string for a key tuple: each value is a tag letter then its payload; strings
 * are length-prefixed (so their content can never be mistaken for a separator), numbers, bigints
 * and Instants (by ms) end with ';', which their decimal forms never contain.
 */
export function encodeKey(keys: readonly Value[], count = keys.length): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const v = keys[i];
    if (v === null || v === undefined) out += 'z';
    else if (typeof v === 'string') out += 's' + v.length + ':' + v;
    else if (typeof v === 'number') out += 'n' + v + ';';
    else if (typeof v === 'bigint') out += 'b' + v + ';';
    else if (typeof v === 'boolean') out += v ? 'T' : 'F';
    else out += 't' + v.ms + ';';
  }
  return out;
}
