import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { GC_BUCKETS_SECONDS, GC_KINDS, type GcSampler } from './gc-sampler.js';
import type { TrendSampler } from './trend-sampler.js';

/** The part of a prom-client `Registry` the inspector uses (structural: prom-client is not required). */
export interface PromRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
  getSingleMetric(name: string): unknown;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function line(name: string, labels: Readonly<Record<string, string>>, value: number): string {
  const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
  const text = Number.isFinite(value) ? String(value) : value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  return `${name}${l ? `{${l}}` : ''} ${text}`;
}

function family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string, samples: readonly Sample[], sampleName = name): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, value]) => line(sampleName, labels, value))];
}

/** Node's heap space names as prom-client labels them: `new_space` -> `new`. */
function spaceLabel(name: string): string {
  return name.replace(/_space$/, '');
}

/**
 * The inspector's figures in the Prometheus text format (0.0.4), under prom-client's standard
 * names so existing dashboards read them, plus the trend (`logsift_*`). Written here rather than
 * through prom-client, which an app that does not use Prometheus should not have to install.
 */
export function prometheusText(gc: GcSampler, trend: TrendSampler): string {
  gc.drain();
  const m = process.memoryUsage();
  const heap = getHeapStatistics();
  const cpu = process.cpuUsage();
  const spaces = getHeapSpaceStatistics();
  const [major, minor, patch] = process.versions.node.split('.');
  const fit = trend.fit();
  const out: string[] = [
    ...family('process_cpu_user_seconds_total', 'counter', 'Total user CPU time spent in seconds.', [[{}, cpu.user / 1e6]]),
    ...family('process_cpu_system_seconds_total', 'counter', 'Total system CPU time spent in seconds.', [[{}, cpu.system / 1e6]]),
    ...family('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', [[{}, (cpu.user + cpu.system) / 1e6]]),
    ...family('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', [[{}, Math.round(Date.now() / 1000 - process.uptime())]]),
    ...family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [[{}, m.rss]]),
    ...family('nodejs_heap_size_total_bytes', 'gauge', 'Process heap size from Node.js in bytes.', [[{}, heap.total_heap_size]]),
    ...family('nodejs_heap_size_used_bytes', 'gauge', 'Process heap size used from Node.js in bytes.', [[{}, heap.used_heap_size]]),
    ...family('nodejs_external_memory_bytes', 'gauge', 'Node.js external memory size in bytes.', [[{}, m.external]]),
    ...family('nodejs_heap_space_size_total_bytes', 'gauge', 'Process heap space size total from Node.js in bytes.', spaces.map((s) => [{ space: spaceLabel(s.space_name) }, s.space_size])),
    ...family('nodejs_heap_space_size_used_bytes', 'gauge', 'Process heap space size used from Node.js in bytes.', spaces.map((s) => [{ space: spaceLabel(s.space_name) }, s.space_used_size])),
    ...family('nodejs_heap_space_size_available_bytes', 'gauge', 'Process heap space size available from Node.js in bytes.', spaces.map((s) => [{ space: spaceLabel(s.space_name) }, s.space_available_size])),
    ...family('nodejs_version_info', 'gauge', 'Node.js version info.', [[{ version: process.version, major: major!, minor: minor!, patch: patch! }, 1]]),
    `# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.`,
    `# TYPE nodejs_gc_duration_seconds histogram`,
  ];
  for (const kind of GC_KINDS) {
    const t = gc.totals.get(kind)!;
    GC_BUCKETS_SECONDS.forEach((le, i) => out.push(line('nodejs_gc_duration_seconds_bucket', { le: String(le), kind }, t.buckets[i]!)));
    out.push(line('nodejs_gc_duration_seconds_bucket', { le: '+Inf', kind }, t.count));
    out.push(line('nodejs_gc_duration_seconds_sum', { kind }, t.pauseSeconds));
    out.push(line('nodejs_gc_duration_seconds_count', { kind }, t.count));
  }
  out.push(...trendFamilies(trend.lastLive(), fit.slopeBytesPerHour, fit.verdict === 'growing'));
  return out.join('\n') + '\n';
}

function trendFamilies(liveAfterGc: number | null, slope: number | null, growing: boolean): string[] {
  return [
    ...family('logsift_memory_live_after_gc_bytes', 'gauge', 'Heap and external memory left after the latest garbage collections (logsift inspector).', liveAfterGc === null ? [] : [[{}, liveAfterGc]]),
    ...family('logsift_memory_trend_slope_bytes_per_hour', 'gauge', 'Fitted growth of memory after GC, bytes per hour (logsift inspector).', slope === null ? [] : [[{}, Math.round(slope)]]),
    ...family('logsift_memory_trend_growing', 'gauge', '1 when the trend verdict is growing (logsift inspector).', [[{}, growing ? 1 : 0]]),
  ];
}

/**
 * Puts the same figures into the application's own prom-client registry: prom-client's default
 * metrics (unless the app collects them already) and the trend gauges. prom-client is loaded only
 * here, so only an app that passes a registry (and so has prom-client) loads it.
 */
export async function installIntoRegistry(registry: PromRegistry, trend: TrendSampler): Promise<void> {
  const prom = await import('prom-client');
  const register = registry as unknown as InstanceType<typeof prom.Registry>;
  if (!registry.getSingleMetric('nodejs_heap_size_used_bytes')) prom.collectDefaultMetrics({ register });
  if (registry.getSingleMetric('logsift_memory_trend_slope_bytes_per_hour')) return;
  new prom.Gauge({
    name: 'logsift_memory_live_after_gc_bytes',
    help: 'Heap and external memory left after the latest garbage collections (logsift inspector).',
    registers: [register],
    collect() {
      const v = trend.lastLive();
      if (v !== null) this.set(v);
    },
  });
  new prom.Gauge({
    name: 'logsift_memory_trend_slope_bytes_per_hour',
    help: 'Fitted growth of memory after GC, bytes per hour (logsift inspector).',
    registers: [register],
    collect() {
      const s = trend.fit().slopeBytesPerHour;
      if (s !== null) this.set(Math.round(s));
    },
  });
  new prom.Gauge({
    name: 'logsift_memory_trend_growing',
    help: '1 when the trend verdict is growing (logsift inspector).',
    registers: [register],
    collect() {
      this.set(trend.fit().verdict === 'growing' ? 1 : 0);
    },
  });
}
