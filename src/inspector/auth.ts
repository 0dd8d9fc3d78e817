import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

/** The shortest token accepted: a guessable token is no token. */
export const MIN_TOKEN_LENGTH = 16;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Checks `Authorization: Bearer TOKEN`. Both sides are hashed first so that timingSafeEqual
 * compares equal lengths and the time taken says nothing about the token, not even its length.
 */
export function bearerCheck(token: string): (req: IncomingMessage) => void {
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      throw new HttpError(401, 'missing Authorization: Bearer TOKEN', { 'www-authenticate': 'Bearer realm="logsift-inspector"' });
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new HttpError(401, 'the Authorization header must be Bearer TOKEN', { 'www-authenticate': 'Bearer realm="logsift-inspector"' });
    if (!timingSafeEqual(digest(m[1]!), expected)) throw new HttpError(403, 'wrong token');
  };
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.') || address === 'localhost';
}

/** `insecure: true` has no token: it answers only requests that come from this machine. */
export function loopbackOnly(req: IncomingMessage): void {
  if (!isLoopbackAddress(req.socket.remoteAddress)) throw new HttpError(403, 'this inspector has no token (insecure: true) and answers only requests from this machine');
}
