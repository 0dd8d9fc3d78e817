/**
 * The benchmark's jobs: each is one logsift query and the mawk program (or pipeline) that answers
 * the same question on a combined log split by whitespace ($1 host, $7 url, $9 status, $10 bytes),
 * plus how to read each tool's answer so the runner can check they agree.
 */
import type { Command } from './measure.js';

export type JobId = 'filter' | 'status-404' | 'sum' | 'count-by-status' | 'count-distinct' | 'p99' | 'line-contains' | 'pattern';

/** How a job's answer is shaped: matching lines (counted), one number, or counts per group. */
export type AnswerKind = 'lines' | 'number' | 'groups';

export interface Job {
  id: JobId;
  /** The logsift query. */
  query: string;
  /** The mawk equivalent, as shown in the report. */
  mawkText: string;
  mawk(file: string): Command;
  /** Target for logsift median time / mawk median time, at logsift's fastest --jobs setting. */
  targetRatio: number;
  answer: AnswerKind;
  /** Whether logsift must equal mawk exactly (false: a sketch may answer within its error). */
  exact: boolean;
  /** Whether logsift's peak RSS must stay flat (and under the cap) from 1M to 10M lines. */
  flatRss: boolean;
  /**
   * Whether the job goes in the scaling table (--jobs 1, 2 and cores); null: no speedup target
   * (shown only), else the least --jobs 2 / --jobs 1 speedup.
   */
  scaling: { targetSpeedup: number | null } | undefined;
  /** Options given to logsift before the query (a `--format`). */
  logsiftArgs?: readonly string[];
  /** A grep peer answering the same question. */
  grep?: (file: string) => Command;
  /** Whether the naive Node peer (naive.ts) has this job (default true). */
  naive?: boolean;
}

function mawk(program: string): (file: string) => Command {
  return (file) => ({ cmd: 'mawk', args: [program, file] });
}

function shell(script: string): (file: string) => Command {
  // The file is passed as $1, never spliced into the script, so any path is safe.
  return (file) => ({ cmd: 'sh', args: ['-c', script, 'sh', file] });
}

// printf "%.0f", not "%d": mawk 1.3.4's %d clamps to 2^31-1, and the sum of sizes passes that.
const SUM = '{s += $10} END {printf "%.0f\\n", s}';

// p99 for mawk, which has no sort of its own: print every size ("-" as 0, printed as the original
// digits so large values are not rounded by OFMT), sort numerically with GNU sort, and take the
// nearest rank ceil(0.99 n) in a second mawk that keeps the sorted values. Exact, O(n) memory.
const P99 =
  `mawk '{ if ($10 == "-") print 0; else print $10 }' "$1" | LC_ALL=C sort -n | ` +
  `mawk '{ v[NR] = $1 } END { r = int((99 * NR + 99) / 100); if (r < 1) r = 1; print v[r] }'`;

const ACCESS_JOBS: readonly Job[] = [
  {
    id: 'filter',
    query: 'status >= 400 and path startswith "/api"',
    mawkText: `mawk '$9 >= 400 && index($7, "/api") == 1'`,
    mawk: mawk('$9 >= 400 && index($7, "/api") == 1'),
    targetRatio: 1.0,
    answer: 'lines',
    exact: true,
    flatRss: true,
    scaling: { targetSpeedup: null },
  },
  {
    // The plainest selective filter: one numeric field, no string test.
    id: 'status-404',
    query: 'status == 404',
    mawkText: `mawk '$9 == 404'`,
    mawk: mawk('$9 == 404'),
    targetRatio: 0.5,
    answer: 'lines',
    exact: true,
    flatRss: true,
    scaling: undefined,
  },
  {
    id: 'sum',
    query: 'sum(bytes)',
    mawkText: `mawk '${SUM}'`,
    mawk: mawk(SUM),
    targetRatio: 0.5,
    answer: 'number',
    exact: true,
    flatRss: true,
    scaling: { targetSpeedup: 1.7 },
  },
  {
    id: 'count-by-status',
    query: 'count by status',
    mawkText: `mawk '{c[$9]++} END {for (k in c) print k, c[k]}'`,
    mawk: mawk('{c[$9]++} END {for (k in c) print k, c[k]}'),
    targetRatio: 0.5,
    answer: 'groups',
    exact: true,
    flatRss: true,
    scaling: { targetSpeedup: 1.7 },
  },
  {
    id: 'count-distinct',
    query: 'count_distinct(host)',
    mawkText: `mawk '!s[$1]++ {n++} END {print n}'`,
    mawk: mawk('!s[$1]++ {n++} END {print n}'),
    targetRatio: 0.5,
    answer: 'number',
    exact: true,
    flatRss: false,
    scaling: undefined,
  },
  {
    id: 'p99',
    query: 'p99(bytes)',
    mawkText: P99,
    mawk: shell(P99),
    targetRatio: 0.5,
    answer: 'number',
    exact: false,
    flatRss: false,
    scaling: undefined,
  },
];

/**
 * The combined layout as a `pattern:` format: what a user writes for a layout no built-in format
 * knows, benchmarked on the same file as the built-in `combined`.
 */
const COMBINED_PATTERN =
  'pattern:%{host:word} %{ident:word} %{user:word} [%{time:dd/MMM/yyyy:HH:mm:ss Z}] "%{request}" %{status:int} %{bytes:number} "%{referer}" "%{agent}"';

/** Jobs of issue 8: the raw line as a field, and a pattern format, each against grep and mawk. */
const FORMAT_JOBS: readonly Job[] = [
  {
    // Counted, not printed: grep stops at the first match when its output is /dev/null.
    id: 'line-contains',
    query: 'line contains "Googlebot" | count',
    mawkText: `mawk 'index($0, "Googlebot") {n++} END {print n + 0}'`,
    mawk: mawk('index($0, "Googlebot") {n++} END {print n + 0}'),
    grep: (file) => ({ cmd: 'grep', args: ['-cF', 'Googlebot', file] }),
    targetRatio: 1.0,
    answer: 'number',
    exact: true,
    flatRss: true,
    naive: false,
    scaling: undefined,
  },
  {
    id: 'pattern',
    query: 'status >= 400 | count',
    logsiftArgs: ['--format', COMBINED_PATTERN],
    mawkText: `mawk '$9 >= 400 {n++} END {print n + 0}'`,
    mawk: mawk('$9 >= 400 {n++} END {print n + 0}'),
    // The same layout as an extended regular expression; grep -c counts the matching lines.
    grep: (file) => ({ cmd: 'grep', args: ['-cE', '^[^ ]+ [^ ]+ [^ ]+ \\[[^]]+\\] "[^"]*" [4-9][0-9]{2} [-0-9]+ "[^"]*" "[^"]*"$', file] }),
    targetRatio: 1.5,
    answer: 'number',
    exact: true,
    flatRss: true,
    naive: false,
    scaling: undefined,
  },
];

export const JOBS: readonly Job[] = [...ACCESS_JOBS, ...FORMAT_JOBS];

const ALIASES: Record<string, JobId> = {
  filter: 'filter',
  'status-404': 'status-404',
  '404': 'status-404',
  sum: 'sum',
  'count-by-status': 'count-by-status',
  count_by_status: 'count-by-status',
  status: 'count-by-status',
  'count-distinct': 'count-distinct',
  count_distinct: 'count-distinct',
  distinct: 'count-distinct',
  p99: 'p99',
  'line-contains': 'line-contains',
  line: 'line-contains',
  pattern: 'pattern',
};

/** "filter,sum" -> those jobs, in the table's order; throws on an unknown name. */
export function selectJobs(list: string | undefined): Job[] {
  if (list === undefined) return [...JOBS];
  const wanted = new Set<JobId>();
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const id = ALIASES[name];
    if (!id) throw new Error(`unknown job "${name}" (jobs: ${JOBS.map((j) => j.id).join(', ')})`);
    wanted.add(id);
  }
  return JOBS.filter((j) => wanted.has(j.id));
}
