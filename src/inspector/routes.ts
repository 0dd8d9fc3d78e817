import type { Readable } from 'node:stream';
import { getHeapSnapshot } from 'node:v8';
import { startCpuProfile, stopCpuProfile } from '../trace/index.js';
import { sitesOf, type CompareAnswer, type DeleteAnswer, type SnapshotAnswer, type TrendAnswer } from './answers.js';
import { HttpError } from './errors.js';
import type { Exclusive } from './exclusive.js';
import type { GcSampler } from './gc-sampler.js';
import type { MemoryReader } from './memory.js';
import { PROMETHEUS_CONTENT_TYPE, prometheusText, type PromRegistry } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { checkKey, type Params } from './params.js';
import type { SnapshotStore } from './snapshot-store.js';
import { compareText, deleteText, memoryText, snapshotText, trendText } from './text-table.js';
import type { TrendSampler } from './trend-sampler.js';

/** What an endpoint answers: JSON (with its text table), a document of its own type, or a stream. */
export type Answer =
  | { readonly kind: 'json'; readonly status: number; readonly body: object; readonly text: () => string }
  | { readonly kind: 'document'; readonly status: number; readonly contentType: string; readonly body: string; readonly filename?: string }
  | { readonly kind: 'stream'; readonly status: number; readonly contentType: string; readonly stream: Readable; readonly filename: string; readonly finished: () => void };

export interface InspectorState {
  readonly options: ResolvedOptions;
  readonly store: SnapshotStore;
  readonly exclusive: Exclusive;
  readonly gc: GcSampler;
  readonly trend: TrendSampler;
  readonly memory: MemoryReader;
  /** The app's registry, once it has the inspector's metrics (null without a registry). */
  readonly registry: Promise<PromRegistry> | null;
}

type Method = 'GET' | 'POST' | 'DELETE';
type Handler = (state: InspectorState, params: Params, match: readonly string[]) => Promise<Answer>;

interface Route {
  /** Matched against the path after the prefix; groups are handed to the handler. */
  readonly path: RegExp;
  readonly methods: Partial<Record<Method, Handler>>;
}

function json(status: number, body: object, text: () => string): Answer {
  return { kind: 'json', status, body, text };
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

const memory: Handler = async (s, p) => {
  p.done();
  const m = { ...s.memory.read(), running: s.exclusive.busy, snapshots: s.store.keys() };
  return json(200, m, () => memoryText(m));
};

const metrics: Handler = async (s, p) => {
  p.done();
  if (s.registry) {
    const registry = await s.registry;
    return { kind: 'document', status: 200, contentType: registry.contentType, body: await registry.metrics() };
  }
  return { kind: 'document', status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body: prometheusText(s.gc, s.trend) };
};

const trend: Handler = async (s, p) => {
  p.done();
  const answer: TrendAnswer = { ...s.trend.fit(), intervalSeconds: s.trend.intervalMs / 1000, history: s.trend.history() };
  return json(200, answer, () => trendText(answer));
};

const takeSnapshot: Handler = async (s, p) => {
  const key = p.key();
  p.done();
  return s.exclusive.run(`a snapshot (${key})`, async () => {
    const snapshot = await s.store.take();
    const dropped = s.store.put(key, snapshot);
    const answer: SnapshotAnswer = { key, takenAt: snapshot.takenAt, memory: snapshot.memory, dropped, stored: s.store.size, limit: s.store.limit };
    return json(201, answer, () => snapshotText(answer));
  });
};

function stored(s: InspectorState, key: string) {
  const entry = s.store.get(key);
  if (!entry) {
    const keys = s.store.keys();
    throw new HttpError(404, `no snapshot ${key} (expired, dropped or never taken); stored: ${keys.length ? keys.join(', ') : 'none'}`);
  }
  return entry;
}

const compare: Handler = async (s, p, [rawKey]) => {
  const key = checkKey(rawKey!);
  const top = p.int('top', 10, 1, 1000);
  p.done();
  const base = stored(s, key);
  return s.exclusive.run(`a compare (${key})`, async () => {
    const now = await s.store.take();
    const old = base.snapshot;
    const answer: CompareAnswer = {
      key,
      since: old.takenAt,
      takenAt: now.takenAt,
      diffs: sitesOf(now.compareTo(old, 'lineno')).slice(0, top),
      heapUsedDiff: now.memory.heapUsed - old.memory.heapUsed,
      externalDiff: now.memory.external - old.memory.external,
      arrayBuffersDiff: now.memory.arrayBuffers - old.memory.arrayBuffers,
      rssDiff: now.memory.rss - old.memory.rss,
    };
    return json(200, answer, () => compareText(answer));
  });
};

const dropSnapshot: Handler = async (s, p, [rawKey]) => {
  const key = checkKey(rawKey!);
  p.done();
  stored(s, key);
  s.store.delete(key);
  const answer: DeleteAnswer = { key, deleted: true, stored: s.store.size };
  return json(200, answer, () => deleteText(answer));
};

const cpuProfile: Handler = async (s, p) => {
  const seconds = p.seconds('seconds', 10, s.options.maxCpuProfileSeconds);
  p.done();
  return s.exclusive.run(`a ${seconds} s CPU profile`, async () => {
    try {
      startCpuProfile();
    } catch (error) {
      throw new HttpError(409, `cannot start a CPU profile: ${(error as Error).message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const profile = await stopCpuProfile();
    return { kind: 'document', status: 200, contentType: 'application/json', body: JSON.stringify(profile.raw), filename: `cpu-${stamp()}.cpuprofile` };
  });
};

const heapSnapshot: Handler = async (s, p) => {
  p.done();
  if (!s.options.allowHeapSnapshot) {
    throw new HttpError(403, 'heap snapshots are off: one pauses the app for seconds to minutes and can need many times the heap in memory; enable with createInspector({ allowHeapSnapshot: true })');
  }
  const release = s.exclusive.claim('a heap snapshot');
  try {
    return { kind: 'stream', status: 200, contentType: 'application/json', stream: getHeapSnapshot(), filename: `heap-${stamp()}.heapsnapshot`, finished: release };
  } catch (error) {
    release();
    throw error;
  }
};

const ROUTES: readonly Route[] = [
  { path: /^\/?$/, methods: { GET: memory } },
  { path: /^\/metrics$/, methods: { GET: metrics } },
  { path: /^\/trend$/, methods: { GET: trend } },
  { path: /^\/snapshots$/, methods: { POST: takeSnapshot } },
  { path: /^\/snapshots\/([^/]+)$/, methods: { DELETE: dropSnapshot } },
  { path: /^\/snapshots\/([^/]+)\/compare$/, methods: { POST: compare } },
  { path: /^\/cpu-profile$/, methods: { POST: cpuProfile } },
  { path: /^\/heap-snapshot$/, methods: { POST: heapSnapshot } },
];

/**
 * Finds the endpoint for a path (after the prefix) and method: 404 for no endpoint, 405 (with
 * Allow) for a method it does not take. Reading is GET; only POST and DELETE change anything.
 */
export function route(path: string, method: string): { handler: Handler; match: string[] } {
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    if (!m) continue;
    const handler = r.methods[method as Method];
    if (!handler) {
      const allow = Object.keys(r.methods).join(', ');
      throw new HttpError(405, `${method} is not allowed here; use ${allow}`, { allow });
    }
    let match: string[];
    try {
      match = m.slice(1).map((g) => decodeURIComponent(g));
    } catch {
      throw new HttpError(400, 'malformed percent-encoding in the path');
    }
    return { handler, match };
  }
  throw new HttpError(404, `no inspector endpoint ${path || '/'}; see GET, /metrics, /trend, /snapshots, /cpu-profile, /heap-snapshot`);
}
