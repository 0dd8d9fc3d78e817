/**
 * `logsift trace` loads this module into the traced program before its own code (`node
 * --import`, through NODE_OPTIONS). Node loads it into every thread of every Node process of the
 * run, worker threads and the agent's included, so it stays tiny: only a main thread, in a traced
 * run, loads the tracer (trace-thread.ts). The URL is built at run time so that the bundle
 * (scripts/bundle.mjs) keeps trace-thread a file of its own rather than inlining its imports.
 */
import { isMainThread } from 'node:worker_threads';
import { ENV_DIR } from './control.js';

const dir = process.env[ENV_DIR];
if (isMainThread && dir !== undefined && dir !== '') {
  const { traceThisThread } = (await import(new URL('./trace-thread.js', import.meta.url).href)) as typeof import('./trace-thread.js');
  await traceThisThread(dir);
}
