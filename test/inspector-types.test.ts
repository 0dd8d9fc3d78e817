import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import fastify from 'fastify';
import { createInspector } from '../src/inspector/index.js';

/**
 * The adapters are shapes, not imports of Express or Fastify: this file is compiled with both
 * packages' own types, so a shape that stopped fitting them fails the build. At run time it only
 * mounts them, and hands the node:http handler requests directly (no server listens).
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
    const handled: boolean[] = [];
    const server = createServer((req, res) => {
      const mine = inspector.handle(req, res);
      handled.push(mine);
      if (mine) return;
      res.end();
    });
    // The prefix and paths below it are the inspector's; a path that only starts with its text is not.
    const urls = ['/', '/debug', '/debug/memoryx', '/debug/memory', '/debug/memory/trend?x=1'];
    for (const url of urls) {
      const req = new IncomingMessage(new Socket());
      req.url = url;
      server.emit('request', req, new ServerResponse(req));
    }
    assert.deepEqual(handled, [false, false, false, true, true]);
  } finally {
    inspector.close();
  }
});
