import type { LineBatch } from '../core/batch.js';
import type { Value } from '../core/value.js';
import { jsonValue } from '../output/json-value.js';
import { writeText } from './line-writer.js';

/**
 * Writes whole parsed records (`--json` as one array, `--ndjson` one object per line) in filter
 * mode. Text is gathered per batch and written with one synchronous write.
 */
export class RecordWriter {
  private first = true;

  constructor(
    private readonly fd: number,
    private readonly kind: 'json' | 'ndjson',
  ) {}

  writeBatch(b: LineBatch): void {
    const parser = b.parser!;
    let text = '';
    for (let i = 0; i < b.selCount; i++) {
      const json = recordJson(parser.record(b, b.sel[i]!));
      if (this.kind === 'ndjson') text += json + '\n';
      else {
        text += (this.first ? '[\n' : ',\n') + json;
        this.first = false;
      }
    }
    if (text) writeText(this.fd, text);
  }

  end(): void {
    if (this.kind === 'json') writeText(this.fd, this.first ? '[]\n' : '\n]\n');
  }
}

/** A record as one line of JSON: times as ISO strings with their offset, bigints as their exact digits. */
export function recordJson(record: Record<string, Value>): string {
  let out = '{';
  for (const key of Object.keys(record)) {
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + jsonValue(record[key] ?? null);
  }
  return out + '}';
}
