import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './errors.js';
import type { Answer } from './routes.js';

const COMMON = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export function wantsText(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return /\btext\/plain\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept.split(',')[0] ?? '');
}

function attachment(filename: string | undefined): Record<string, string> {
  return filename ? { 'content-disposition': `attachment; filename="${filename}"` } : {};
}

/** Writes an answer; a stream is piped with backpressure and `finished` runs when it ends either way. */
export async function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
  if (answer.kind === 'json') {
    const text = wantsText(req);
    const body = text ? answer.text() : JSON.stringify(answer.body) + '\n';
    res.writeHead(answer.status, { ...COMMON, 'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' });
    res.end(body);
    return;
  }
  if (answer.kind === 'document') {
    res.writeHead(answer.status, { ...COMMON, 'content-type': answer.contentType, ...attachment(answer.filename) });
    res.end(answer.body);
    return;
  }
  res.writeHead(answer.status, { ...COMMON, 'content-type': answer.contentType, ...attachment(answer.filename) });
  try {
    await pipeline(answer.stream, res);
  } catch {
    // the client went away: nothing to answer it
  } finally {
    answer.finished();
  }
}

/** An error as `{"error": message}` (or `error: message` for text), with its status and headers. */
export function writeError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  const e = error instanceof HttpError ? error : new HttpError(500, `inspector failed: ${(error as Error)?.message ?? String(error)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = wantsText(req);
  res.writeHead(e.status, { ...COMMON, ...e.headers, 'content-type': text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' });
  res.end(text ? `error: ${e.message}\n` : JSON.stringify({ error: e.message }) + '\n');
}
