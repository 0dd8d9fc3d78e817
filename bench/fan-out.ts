/**
 * The fan-out section of `npm run bench` (issue 11, "one read, many outputs"): three queries of
 * different kinds answered by one `-e ... -e ... -e ...` run against the same three queries run
 * one after the other, on the 1M-line access log. The outputs must be equal (checked here, by
 * hash); the ratio is what one read saves.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, median } from './measure.js';

export interface FanOutBenchOptions {
  readonly cli: string;
  /** 1M generated access lines. */
  readonly access: string;
  readonly runs: number;
  readonly progress: (text: string) => void;
}

const QUERIES = ['status == 404', 'sum(bytes)', 'count by status'];

const sha = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

export async function fanOutSection(o: FanOutBenchOptions): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-fanout-'));
  try {
    const node = process.execPath;
    const out = join(dir, '404.out');
    const together = { cmd: node, args: [o.cli, '--no-progress', '-e', QUERIES[0]!, '-o', out, '-e', QUERIES[1]!, '-e', QUERIES[2]!, o.access] };
    const alone = QUERIES.map((q) => ({ cmd: node, args: [o.cli, '--no-progress', '-j1', q, o.access] }));
    const walls = { together: [] as number[], alone: [] as number[] };
    const rss = { together: [] as number[], alone: [] as number[] };
    let mismatch = '';
    for (let r = 0; r < o.runs; r++) {
      const t = await measure(together, 'capture');
      if (t.exitCode !== 0) throw new Error(`fan-out: exit ${t.exitCode}: ${t.stderr.trim()}`);
      walls.together.push(t.wallS);
      rss.together.push(t.peakRssKiB / 1024);
      let sum = 0;
      let peak = 0;
      const outputs: string[] = [];
      for (const command of alone) {
        const m = await measure(command, 'capture');
        if (m.exitCode !== 0) throw new Error(`fan-out: ${command.args.at(-2)}: exit ${m.exitCode}`);
        sum += m.wallS;
        peak = Math.max(peak, m.peakRssKiB / 1024);
        outputs.push(m.stdout);
      }
      walls.alone.push(sum);
      rss.alone.push(peak);
      if (sha(readFileSync(out)) !== sha(outputs[0]!) || t.stdout !== `${outputs[1]}\n${outputs[2]}`) mismatch = 'the -e outputs differ from the queries run alone';
      o.progress(`  fan-out run ${r + 1}: one read ${t.wallS.toFixed(2)} s, three runs ${sum.toFixed(2)} s`);
    }
    const oneRead = median(walls.together);
    const threeRuns = median(walls.alone);
    return [
      `fan-out: ${QUERIES.map((q) => `-e '${q}'`).join(' ')} over 1M access lines, against the three queries run one after another (-j1)`,
      `  one read, three outputs   ${oneRead.toFixed(2).padStart(6)} s  peak RSS ${median(rss.together).toFixed(0)} MiB`,
      `  three runs                ${threeRuns.toFixed(2).padStart(6)} s  peak RSS ${median(rss.alone).toFixed(0)} MiB (largest)`,
      `  ratio ${(oneRead / threeRuns).toFixed(2)}; outputs ${mismatch === '' ? 'equal (hashed)' : `!!! ${mismatch}`}`,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
