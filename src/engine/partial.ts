import { Diagnostics, type DiagnosticsData } from '../core/diagnostics.js';
import type { Meters } from '../core/meters.js';
import type { Row } from '../core/row.js';
import type { GroupTable, TopCounter } from '../aggregates/index.js';
import { TopN } from '../operators/top-n.js';

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
  /** Parts of the input this partial stands for (passes merged into it). */
  readonly units: number;
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

/**
 * Merges the partials of consecutive parts of the input, added in input order, into the partial
 * of the whole: tables and counters merge (first-seen order stays the input's), kept rows of a
 * `sort | head N` go through one more bounded heap, diagnostics add up with the line numbers of
 * later byte ranges of a file moved past the lines of earlier ones.
 */
export class PartialMerger {
  private table: GroupTable | null = null;
  private counter: TopCounter | null = null;
  private readonly heap: TopN | null;
  private readonly diagnostics = new Diagnostics();
  private readonly lines = new Map<string, number>();
  private readonly meters: MeterData[] = [];
  private readonly formats: string[] = [];
  private bytesRead = 0;
  private peakHeapBytes = 0;
  private units = 0;

  constructor(topRows?: { readonly n: number; readonly compare: (a: Row, b: Row) => number }) {
    this.heap = topRows ? new TopN(topRows.n, topRows.compare) : null;
  }

  add(p: Partial): void {
    if (p.table) {
      if (this.table) this.table.merge(p.table);
      else this.table = p.table;
    }
    if (p.counter) {
      if (this.counter) this.counter.merge(p.counter);
      else this.counter = p.counter;
    }
    if (p.topRows && this.heap) for (const row of p.topRows) this.heap.push(row);
    this.diagnostics.mergeData(p.diagnostics, (source) => this.lines.get(source) ?? 0);
    for (const [source, count] of p.lines) this.lines.set(source, (this.lines.get(source) ?? 0) + count);
    addMeters(this.meters, p.meters);
    for (const f of p.formats) if (!this.formats.includes(f)) this.formats.push(f);
    this.bytesRead += p.bytesRead;
    this.peakHeapBytes = Math.max(this.peakHeapBytes, p.peakHeapBytes);
    this.units += p.units;
  }

  /** Lines of `source` merged so far: where the next byte range of that file starts counting. */
  linesBefore(source: string): number {
    return this.lines.get(source) ?? 0;
  }

  result(): Partial {
    return {
      table: this.table,
      counter: this.counter,
      topRows: this.heap ? this.heap.drain() : null,
      diagnostics: this.diagnostics.toData(),
      lines: this.lines,
      meters: this.meters,
      formats: this.formats,
      bytesRead: this.bytesRead,
      peakHeapBytes: this.peakHeapBytes,
      units: this.units,
    };
  }
}
