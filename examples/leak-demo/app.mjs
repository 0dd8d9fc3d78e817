// A web app with a memory leak and logsift's inspector mounted: the walk-through of the README
// ("Finding a leak in a running web app"). Run from the project folder after npm install:
//
//   INSPECTOR_TOKEN=$(node -e "console.log(crypto.randomBytes(16).toString('hex'))") node examples/leak-demo/app.mjs
//
// GET /leak keeps ten thousand 4 KiB strings per request, for ever (the Python sample's leak);
// GET /clean makes the same strings and keeps none.
import express from 'express';
import { createInspector } from 'logsift/inspector';

const port = Number(process.env.PORT ?? 3000);
const cache = [];

function leakyRoute(_req, res) {
  for (let i = 0; i < 10_000; i++) cache.push(Buffer.alloc(4096, 97 + (i % 26)).toString('latin1'));
  res.json({ kept: cache.length });
}

function cleanRoute(_req, res) {
  const made = [];
  for (let i = 0; i < 10_000; i++) made.push(Buffer.alloc(4096, 97 + (i % 26)).toString('latin1'));
  res.json({ made: made.length });
}

let inspector;
try {
  inspector = createInspector({
    token: process.env.INSPECTOR_TOKEN,
    // QUICK_TREND=1: a trend sample every 0.5 s and a full collection when none ran for 1 s, so
    // the verdict comes in seconds (the defaults, 10 s and 2 minutes, are for a service).
    ...(process.env.QUICK_TREND ? { trendIntervalMs: 500, trendFullGcAfterMs: 1000 } : {}),
  });
} catch (error) {
  console.error(`leak-demo: ${error.message} (set INSPECTOR_TOKEN)`);
  process.exit(2);
}

const app = express();
app.use(inspector.express());
app.get('/leak', leakyRoute);
app.get('/clean', cleanRoute);
app.get('/', (_req, res) => res.type('text').send('GET /leak keeps 40 MiB a request; GET /clean keeps nothing; the inspector is under /debug/memory\n'));

app.listen(port, '127.0.0.1', () => console.log(`leak-demo listening on http://127.0.0.1:${port} (inspector under ${inspector.prefix})`));
