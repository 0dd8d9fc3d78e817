import type { LineBatch } from '../core/batch.js';
import type { RunContext } from '../core/run-context.js';

/**
 * Keeps lines containing `needle` as raw bytes: the cheapest filter there is, run before parsing.
 * One indexOf over the whole batch finds candidates; lines with no occurrence are never touched.
 */
export function grep(ctx: RunContext, needle: string | Buffer) {
  const pattern = typeof needle === 'string' ? Buffer.from(needle) : needle;
  const stats = ctx.meters.stage('grep');
  return async function* grepStage(batches: AsyncIterable<LineBatch>): AsyncGenerator<LineBatch> {
    for await (const b of batches) {
      stats.begin(b.selCount);
      keepMatching(b, pattern);
      stats.end(b.selCount);
      if (b.selCount > 0) yield b;
    }
  };
}

function keepMatching(b: LineBatch, pattern: Buffer): void {
  const { buf, starts, ends, sel } = b;
  const n = b.selCount;
  let out = 0;
  let i = 0;
  let from = n > 0 ? starts[sel[0]!]! : 0;
  while (i < n) {
    const hit = buf.indexOf(pattern, from);
    if (hit < 0) break;
    // Skip the selected rows that end before the hit; keep the row that contains it.
    while (i < n && ends[sel[i]!]! < hit + pattern.length) i++;
    if (i === n) break;
    const row = sel[i]!;
    if (starts[row]! <= hit) {
      sel[out++] = row;
      i++;
      if (i < n) from = starts[sel[i]!]!;
    } else {
      from = starts[row]!;
    }
  }
  b.selCount = out;
}
