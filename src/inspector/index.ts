/**
 * `logsift/inspector`: a memory-leak inspector a web app mounts (node:http, Express, Fastify, or a
 * server of its own), built on `logsift/trace`, and `assertNoLeak` for leak tests.
 *
 *   const inspector = createInspector({ token: process.env.INSPECTOR_TOKEN });
 *   app.use(inspector.express());
 */
export { createInspector, type Inspector, type ListenOptions, type Listening } from './create-inspector.js';
export type { InspectorOptions } from './options.js';
export type { PromRegistry } from './metrics.js';
export type { ExpressMiddleware } from './adapters/express.js';
export type { FastifyPlugin, FastifyLike } from './adapters/fastify.js';
export type { CompareAnswer, DeleteAnswer, MemoryFigures, MemoryReport, SiteDiff, SnapshotAnswer, TrendAnswer } from './answers.js';
export { DEFAULT_TREND_RULES, fitTrend, type TrendFit, type TrendRules, type TrendSample, type TrendVerdict } from './trend-fit.js';
export { assertNoLeak, LeakError, type AssertNoLeakOptions } from './assert-no-leak.js';
export { collectGarbage } from './collect-garbage.js';
