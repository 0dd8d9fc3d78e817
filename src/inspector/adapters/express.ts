import type { IncomingMessage, ServerResponse } from 'node:http';

/** Express's middleware shape, structurally: Express itself is not imported. */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** `app.use(inspector.express())`: the inspector's requests are answered, all others go on untouched. */
export function expressMiddleware(handle: (req: IncomingMessage, res: ServerResponse) => boolean): ExpressMiddleware {
  return function logsiftInspector(req, res, next) {
    if (!handle(req, res)) next();
  };
}
