import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expressMiddleware, type ExpressMiddleware } from './adapters/express.js';
import { fastifyPlugin, type FastifyPlugin } from './adapters/fastify.js';
import { bearerCheck, isLoopbackAddress, loopbackOnly } from './auth.js';
import { HttpError } from './errors.js';
import { Exclusive } from './exclusive.js';
import { GcSampler } from './gc-sampler.js';
import { MemoryReader } from './memory.js';
import { installIntoRegistry } from './metrics.js';
import { resolveOptions, type InspectorOptions } from './options.js';
import { MAX_URL_LENGTH, Params } from './params.js';
import { writeAnswer, writeError } from './respond.js';
import { route, type InspectorState } from './routes.js';
import { SnapshotStore } from './snapshot-store.js';
import { TrendSampler } from './trend-sampler.js';

export interface ListenOptions {
  /** Default 0: any free port (read it from the answer). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface Listening {
  readonly server: Server;
  readonly port: number;
  /** The inspector's base URL, prefix included. */
  readonly url: string;
  close(): Promise<void>;
}

export interface Inspector {
  readonly prefix: string;
  /**
   * For node:http: answers the request and returns true when it is the inspector's (under the
   * prefix; the answer is written asynchronously), returns false and touches nothing otherwise.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** `app.use(inspector.express())`. */
  express(): ExpressMiddleware;
  /** `app.register(inspector.fastify())`. */
  fastify(): FastifyPlugin;
  /** A server of its own, for apps that keep the inspector out of their router (127.0.0.1 unless told). */
  listen(options?: ListenOptions): Promise<Listening>;
  /** Stops the samplers and drops the snapshots (and the tracing they needed). */
  close(): void;
}

/**
 * The in-app memory inspector: a leak hunt's endpoints (snapshots and their compare, memory,
 * metrics, the trend, CPU profiles, heap snapshots when allowed) mounted in a running app.
 *
 * Every request is authenticated before anything else is read; state changes only by POST and
 * DELETE; the store of snapshots is bounded; one expensive operation runs at a time.
 */
export function createInspector(options: InspectorOptions): Inspector {
  const o = resolveOptions(options);
  const gc = new GcSampler();
  gc.start();
  const trend = new TrendSampler(gc, o.trendIntervalMs, o.trendSamples, o.trendRules, o.trendFullGcAfterMs);
  trend.start();
  const registry = o.registry;
  const registryReady = registry ? installIntoRegistry(registry, trend).then(() => registry) : null;
  // Seen when /metrics is read; never an unhandled rejection before that.
  registryReady?.catch(() => {});
  const state: InspectorState = {
    options: o,
    trend,
    store: new SnapshotStore(o.maxSnapshots, o.snapshotTtlMs),
    exclusive: new Exclusive(),
    gc,
    memory: new MemoryReader(gc),
    registry: registryReady,
  };
  const authenticate = o.token !== null ? bearerCheck(o.token) : loopbackOnly;

  async function respond(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    try {
      authenticate(req);
      if (req.url!.length > MAX_URL_LENGTH) throw new HttpError(414, `request URL longer than ${MAX_URL_LENGTH} characters`);
      const { handler, match } = route(path, req.method ?? 'GET');
      const params = new Params(new URLSearchParams(query));
      // A body is never read: drain it so the connection can be reused.
      req.resume();
      await writeAnswer(req, res, await handler(state, params, match));
    } catch (error) {
      req.resume();
      writeError(req, res, error);
    }
  }

  const below = `${o.prefix}/`;

  function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== o.prefix && !path.startsWith(below)) return false;
    void respond(req, res, path.slice(o.prefix.length), q < 0 ? '' : url.slice(q + 1));
    return true;
  }

  return {
    prefix: o.prefix,
    handle,
    express: () => expressMiddleware(handle),
    fastify: () => fastifyPlugin(o.prefix, handle),
    listen: async ({ port = 0, host = '127.0.0.1' } = {}) => {
      if (o.token === null && !isLoopbackAddress(host)) throw new TypeError(`inspector.listen: an inspector without a token (insecure: true) listens only on loopback, not ${host}`);
      const server = createServer((req, res) => {
        if (!handle(req, res)) writeError(req, res, new HttpError(404, `not an inspector path; the inspector is under ${o.prefix}`));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return {
        server,
        port: address.port,
        url: `http://${shownHost}:${address.port}${o.prefix}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    },
    close: () => {
      trend.stop();
      gc.stop();
      state.store.close();
    },
  };
}
