import { UsageError } from '../../core/errors.js';
import { readTraceJson, TraceFileError } from '../errors.js';
import { Snapshot } from '../snapshot.js';
import { SNAPSHOT_FORMAT } from '../snapshot-file.js';
import type { StatisticKey } from '../statistics.js';
import { REPORT_FORMAT, REPORT_VERSION, type SiteRow } from './report.js';

/** One line of `logsift trace compare`: a site's size and count in the newer file, and the change. */
export interface SiteDiff {
  readonly function: string;
  readonly file: string;
  readonly line: number;
  readonly via?: string;
  readonly size: number;
  readonly sizeDiff: number;
  readonly count: number;
  readonly countDiff: number;
}

export type Moment = 'peak' | 'exit';

async function readJson(path: string): Promise<Record<string, unknown>> {
  const data = await readTraceJson(path, 'not JSON: give a snapshot (Snapshot.dump, --out) or a report (--json) of logsift trace');
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TraceFileError(path, 'not a logsift trace snapshot or report');
  return data as Record<string, unknown>;
}

function kindOf(data: Record<string, unknown>, path: string): 'snapshot' | 'report' {
  if (data['format'] === SNAPSHOT_FORMAT) return 'snapshot';
  if (data['format'] === REPORT_FORMAT) return 'report';
  throw new TraceFileError(path, `not a logsift trace snapshot or report (format is ${JSON.stringify(data['format'] ?? null)})`);
}

/** A report's site rows at a moment, every field checked. */
function reportSites(data: Record<string, unknown>, path: string, at: Moment): SiteRow[] {
  if (data['version'] !== REPORT_VERSION) throw new TraceFileError(path, `report version ${JSON.stringify(data['version'])} is not supported (this logsift reads version ${REPORT_VERSION})`);
  const memory = data['memory'] as Record<string, unknown> | undefined;
  const key = at === 'peak' ? 'atPeak' : 'atExit';
  const rows = memory?.[key];
  if (!Array.isArray(rows)) throw new TraceFileError(path, `memory.${key} is missing: not a complete logsift trace report`);
  rows.forEach((r: Record<string, unknown>, i) => {
    const ok =
      typeof r === 'object' && r !== null && typeof r['function'] === 'string' && typeof r['file'] === 'string' &&
      Number.isFinite(r['line']) && Number.isFinite(r['size']) && Number.isFinite(r['count']) && (r['via'] === undefined || typeof r['via'] === 'string');
    if (!ok) throw new TraceFileError(path, `memory.${key}[${i}] must have function, file, line, size and count`);
  });
  return rows as SiteRow[];
}

function siteKey(s: { function: string; file: string; line: number; via?: string }): string {
  return `${s.function}\u0000${s.file}\u0000${s.line}\u0000${s.via ?? ''}`;
}

/** Differences from `older` to `newer` site rows, largest change first. */
export function diffSites(newer: readonly SiteRow[], older: readonly SiteRow[]): SiteDiff[] {
  const before = new Map(older.map((s) => [siteKey(s), s]));
  const diffs: SiteDiff[] = [];
  const seen = new Set<string>();
  for (const s of newer) {
    const k = siteKey(s);
    seen.add(k);
    const o = before.get(k);
    diffs.push({ ...place(s), size: s.size, sizeDiff: s.size - (o?.size ?? 0), count: s.count, countDiff: s.count - (o?.count ?? 0) });
  }
  for (const [k, o] of before) if (!seen.has(k)) diffs.push({ ...place(o), size: 0, sizeDiff: -o.size, count: 0, countDiff: -o.count });
  return diffs.sort((a, b) => Math.abs(b.sizeDiff) - Math.abs(a.sizeDiff) || b.size - a.size);
}

function place(s: SiteDiff | SiteRow): Pick<SiteDiff, 'function' | 'file' | 'line' | 'via'> {
  return { function: s.function, file: s.file, line: s.line, ...(s.via !== undefined ? { via: s.via } : {}) };
}

/**
 * `logsift trace compare OLD NEW`: what grew between two dumped snapshots (grouped by `key`) or
 * two JSON reports (their sites at the peak, or at exit). Files of two kinds, or that are neither,
 * are refused with one line.
 */
export async function compareFiles(older: string, newer: string, options: { key?: StatisticKey; at?: Moment } = {}): Promise<{ diffs: SiteDiff[]; title: string }> {
  const [a, b] = await Promise.all([readJson(older), readJson(newer)]);
  const ka = kindOf(a, older);
  const kb = kindOf(b, newer);
  if (ka !== kb) throw new UsageError(`trace compare: ${older} is a ${ka} and ${newer} is a ${kb}: compare two snapshots or two reports`);
  if (ka === 'snapshot') {
    const sa = Snapshot.fromJSON(a, older);
    const sb = Snapshot.fromJSON(b, newer);
    const key = options.key ?? 'lineno';
    return { diffs: sb.compareTo(sa, key), title: `differences by ${key} from ${older} to ${newer}` };
  }
  if (options.key !== undefined && options.key !== 'lineno') throw new UsageError(`trace compare: reports hold sites only: --key ${options.key} needs two snapshots`);
  const at = options.at ?? 'peak';
  return { diffs: diffSites(reportSites(b, newer, at), reportSites(a, older, at)), title: `differences of the sites live at ${at === 'peak' ? 'the peak' : 'exit'} from ${older} to ${newer}` };
}
