/**
 * The small app of the inspector's overhead bench: node:http answering a little JSON, with the
 * inspector mounted and idle (`with`) or not at all (`without`). Prints {"port": N} when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInspector } from '../src/inspector/index.js';

const withInspector = process.argv[2] === 'with';
const inspector = withInspector ? createInspector({ token: 'bench-token-0123456789abcdef' }) : null;
const body = JSON.stringify({ hello: 'world', items: [1, 2, 3] });

const server = createServer((req, res) => {
  if (inspector?.handle(req, res)) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n'));
