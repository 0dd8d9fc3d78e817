import type { DiagnosticsData } from '../core/diagnostics.js';
import { decodeValues, encodeValues, type EncodedValue } from '../core/value-codec.js';
import { CODEC_VERSION, GroupTable, TopCounter, type Aggregate } from '../aggregates/index.js';
import type { MeterData, Partial } from './partial.js';

/**
 * A Partial as plain data that survives a thread boundary (structured clone) or JSON: states
 * through the aggregates' own encoders, rows and keys through the value codec (bigints, Instants
 * with their offset, NaN). Versioned; decoding checks the version and the shapes.
 */
export interface EncodedPartial {
  readonly version: number;
  readonly table: unknown;
  readonly counter: unknown;
  readonly topRows: EncodedValue[][] | null;
  readonly diagnostics: DiagnosticsData;
  readonly lines: [string, number][];
  readonly meters: readonly MeterData[];
  readonly formats: readonly string[];
  readonly bytesRead: number;
  readonly peakHeapBytes: number;
  readonly units: number;
}

export function encodePartial(p: Partial): EncodedPartial {
  return {
    version: CODEC_VERSION,
    table: p.table ? p.table.encode() : null,
    counter: p.counter ? p.counter.encode() : null,
    topRows: p.topRows ? p.topRows.map((r) => encodeValues(r)) : null,
    diagnostics: p.diagnostics,
    lines: [...p.lines],
    meters: p.meters,
    formats: p.formats,
    bytesRead: p.bytesRead,
    peakHeapBytes: p.peakHeapBytes,
    units: p.units,
  };
}

/** How to rebuild the states: the aggregation's shape and limits, as the plan says. */
export interface StateShape {
  readonly aggregates: readonly Aggregate<unknown>[];
  readonly keyNames: readonly string[];
  readonly maxGroups: number;
  readonly topLimit: number;
}

export function decodePartial(e: EncodedPartial, shape: StateShape): Partial {
  if (e.version !== CODEC_VERSION) throw new RangeError(`partial result of version ${e.version}, expected ${CODEC_VERSION}`);
  return {
    table:
      e.table === null
        ? null
        : GroupTable.decode(shape.aggregates, shape.keyNames.length, shape.keyNames, shape.maxGroups, e.table),
    counter: e.counter === null ? null : TopCounter.decode(shape.topLimit, e.counter),
    topRows: e.topRows ? e.topRows.map((r) => decodeValues(r)) : null,
    diagnostics: e.diagnostics,
    lines: new Map(e.lines),
    meters: e.meters,
    formats: e.formats,
    bytesRead: e.bytesRead,
    peakHeapBytes: e.peakHeapBytes,
    units: e.units,
  };
}
