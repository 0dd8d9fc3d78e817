import type { IncomingMessage, ServerResponse } from 'node:http';

/** The parts of Fastify the plugin uses, structurally: Fastify itself is not imported. */
export interface FastifyLike {
  route(options: {
    method: string[];
    url: string;
    handler: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }) => void;
  }): unknown;
}

export type FastifyPlugin = (instance: FastifyLike, options: unknown, done: (error?: Error) => void) => void;

/** Every method Fastify routes, so a wrong method reaches the inspector and gets its 405. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * `app.register(inspector.fastify())`: routes for the prefix and everything below it, whose
 * handler hands the raw request to the inspector (`reply.hijack()`: Fastify sends nothing itself).
 * Other paths never reach the inspector, so the app's routes and 404s are Fastify's own.
 */
export function fastifyPlugin(prefix: string, handle: (req: IncomingMessage, res: ServerResponse) => boolean): FastifyPlugin {
  const handler = (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }): void => {
    reply.hijack();
    if (!handle(request.raw, reply.raw)) {
      // Only reachable if Fastify's URL and Node's differ (a rewriteUrl hook): say so rather than hang.
      reply.raw.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not an inspector request"}\n');
    }
  };
  return function logsiftInspector(instance, _options, done) {
    instance.route({ method: METHODS, url: prefix, handler });
    instance.route({ method: METHODS, url: `${prefix}/*`, handler });
    done();
  };
}
