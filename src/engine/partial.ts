import type { DiagnosticsData } from '../core/diagnostics.js';
import type { Meters } from '../core/meters.js';
import type { Row } from '../core/row.js';
import type { GroupTable, TopCounter } from '../aggregates/index.js';

/** One stage's counters as plain data. */
export interface MeterData {
  readonly name: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  readonly ms: number;
  readonly bytes: number;
}

/**
 * What a pass over part of the input found: the state of its record phase (a group table, a top
 * counter, or the rows a pushed-down `sort | head N` kept), its diagnostics, counters and the
 * formats it met. Output that streams (lines, rows) is not in the partial: it went out while the
 * pass ran. Partials of consecutive parts merge (`mergeInto`) into the partial of the whole:
 * exactly for exact states, within the stated error for sketches.
 */
export interface Partial {
  readonly table: GroupTable | null;
  readonly counter: TopCounter | null;
  /** For a pushed-down `sort | head N`: the kept rows in sort order. */
  readonly topRows: Row[] | null;
  readonly diagnostics: DiagnosticsData;
  /** Lines read per source name: line numbers of a later byte range of a file start after these. */
  readonly lines: ReadonlyMap<string, number>;
  readonly meters: readonly MeterData[];
  /** Format specs met (names or format strings), in the order met, to plan the output with. */
  readonly formats: readonly string[];
  readonly bytesRead: number;
  readonly peakHeapBytes: number;
}

export function meterData(meters: Meters): MeterData[] {
  return meters.stages.map(({ name, recordsIn, recordsOut, ms, bytes }) => ({ name, recordsIn, recordsOut, ms, bytes }));
}

/** Adds a later part's stage counters into `into`, stage by stage (by name, in first-seen order). */
export function addMeters(into: MeterData[], more: readonly MeterData[]): void {
  for (const m of more) {
    const i = into.findIndex((x) => x.name === m.name);
    if (i < 0) into.push({ ...m });
    else {
      const x = into[i]!;
      into[i] = { name: x.name, recordsIn: x.recordsIn + m.recordsIn, recordsOut: x.recordsOut + m.recordsOut, ms: x.ms + m.ms, bytes: x.bytes + m.bytes };
    }
  }
}
