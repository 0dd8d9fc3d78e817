import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import express from 'express';
import fastify from 'fastify';
import { createInspector } from '../src/inspector/index.js';

/**
 * The adapters are shapes, not imports of Express or Fastify: this file is compiled with both
 * packages' own types, so a shape that stopped fitting them fails the build. At run time it only
 * mounts them (no server listens).
 */

test("the adapters type-check against Express's and Fastify's own types and mount", async () => {
  const inspector = createInspector({ token: 'types-token-0123456789' });
  try {
    const app = express();
    app.use(inspector.express());
    const f = fastify();
    await f.register(inspector.fastify());
    await f.ready();
    assert.ok(f.hasRoute({ method: 'GET', url: '/debug/memory' }));
    assert.ok(f.hasRoute({ method: 'POST', url: '/debug/memory/*' }));
    await f.close();
    const server = createServer((req, res) => {
      if (inspector.handle(req, res)) return;
      res.end();
    });
    assert.equal(server.listening, false);
  } finally {
    inspector.close();
  }
});
