import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Starts test/fixtures/inspector/app.mjs (an Express, Fastify or node:http app with the inspector
 * mounted) in a child process on 127.0.0.1, port 0, so that its heap, collections and tracing are
 * its own and not the test runner's. The fixture lives outside dist/ on purpose: logsift's own
 * files are never sites, and the leaking function must be the app's.
 */

export const APP = fileURLToPath(new URL('../../../test/fixtures/inspector/app.mjs', import.meta.url));
export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

export interface RunningApp {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The inspector's base URL (origin + /debug/memory). */
  readonly inspector: string;
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startApp(framework: 'express' | 'fastify' | 'http', args: readonly string[] = []): Promise<RunningApp> {
  const child = spawn(process.execPath, [APP, '--framework', framework, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the app exited (${code}) before listening: ${stderr}`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    inspector: `${origin}/debug/memory`,
    port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

/** One request; `token: null` sends none. */
export async function call(url: string, init: { method?: string; token?: string | null; accept?: string } = {}): Promise<Reply> {
  const token = init.token === undefined ? TOKEN : init.token;
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(token !== null ? { authorization: `Bearer ${token}` } : {}), ...(init.accept ? { accept: init.accept } : {}) },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}
