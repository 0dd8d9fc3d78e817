import { EXIT_INPUT, UsageError, UserError } from '../core/errors.js';
import { DEFAULT_PREFIX } from '../inspector/options.js';

/** The inspector's base URL from what the user typed: `http://host:port` gets the inspector's default prefix. */
export function inspectorBase(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`inspect: ${JSON.stringify(text)} is not a URL; give the app's address, e.g. http://127.0.0.1:3000${DEFAULT_PREFIX}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`inspect: ${text}: only http and https URLs`);
  if (url.search || url.hash) throw new UsageError(`inspect: ${text}: give the inspector's base URL, without ? or #`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = DEFAULT_PREFIX;
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** Why a connection failed, in words (undici hides the system error in `cause`). */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the app running, on that port?)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no such host';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return cause?.message ?? (error as Error).message;
}

export interface Client {
  request(method: 'GET' | 'POST' | 'DELETE', path: string, query?: Record<string, string>): Promise<unknown>;
}

/**
 * Talks to one inspector: JSON in, a one-line UserError (exit 1) for anything that is not a 2xx
 * answer, with the server's own reason when it gave one.
 */
export function inspectorClient(base: URL, token: string | undefined, timeoutMs: number): Client {
  return {
    async request(method, path, query = {}) {
      const url = new URL(base.href + path);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new UserError(`inspect: cannot reach ${base.origin}: ${reason(error)}`, EXIT_INPUT);
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        const why = (body as { error?: string } | undefined)?.error ?? (text.trim().split('\n')[0]?.slice(0, 200) || res.statusText);
        const hint = res.status === 401 && !token ? ' (give --token or set LOGSIFT_INSPECT_TOKEN)' : '';
        throw new UserError(`inspect: ${method} ${url.pathname}: ${res.status} ${why}${hint}`, EXIT_INPUT);
      }
      if (body === undefined) throw new UserError(`inspect: ${url.pathname} did not answer JSON: is ${base.href} a logsift inspector?`, EXIT_INPUT);
      return body;
    },
  };
}
