import { LineBatch } from '../core/batch.js';
import type { Source } from '../core/source.js';
import type { LogFormat } from '../core/format.js';
import { detectableFormats } from './registry.js';

/** Lines a format is detected from: the first this many non-blank lines of a source. */
export const DETECTION_SAMPLE = 20;
const SAMPLE_SOURCE: Source = Object.freeze({ name: '(detection sample)', path: null, size: null });

/**
 * Picks the format of a file from its first lines: the first up to 20 non-empty lines are parsed
 * with every detectable format (all fields, so whole lines are validated), and the format that
 * parses the most wins. Ties go to the more specific format, in registry.ts's DETECTION_ORDER
 * (vhost_combined > combined > common > apache_error > rfc5424 > json > logfmt > applog > syslog).
 * Null when no format parses at least half the lines.
 */
export function detectFormat(sample: readonly string[]): LogFormat | null {
  const lines: string[] = [];
  for (const raw of sample) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length === 0) continue;
    lines.push(line);
    if (lines.length === DETECTION_SAMPLE) break;
  }
  if (lines.length === 0) return null;
  let best: LogFormat | null = null;
  let bestCount = 0;
  for (const format of detectableFormats()) {
    const count = countParsed(format, lines);
    if (count > bestCount) {
      best = format;
      bestCount = count;
    }
  }
  return bestCount * 2 >= lines.length ? best : null;
}

function countParsed(format: LogFormat, lines: readonly string[]): number {
  const batch = batchOf(lines);
  format.parser(null).parse(batch, () => {});
  return batch.selCount;
}

function batchOf(lines: readonly string[]): LineBatch {
  const parts = lines.map((line) => Buffer.from(line, 'utf8'));
  const buf = Buffer.concat(parts.flatMap((part) => [part, Buffer.from('\n')]));
  const starts = new Int32Array(parts.length);
  const ends = new Int32Array(parts.length);
  let offset = 0;
  parts.forEach((part, i) => {
    starts[i] = offset;
    ends[i] = offset + part.length;
    offset += part.length + 1;
  });
  const sel = Uint32Array.from(parts.keys());
  const batch = new LineBatch(SAMPLE_SOURCE, buf, starts, ends, sel, 1);
  batch.count = batch.selCount = parts.length;
  return batch;
}
