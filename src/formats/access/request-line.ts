import { decodeText, encodeText } from '../../core/text.js';
import { QUESTION, SPACE, findByte, findLastByte } from '../bytes.js';

/** Slots written by splitRequest, in this order, two ints (start, end) each. */
export const REQUEST_PARTS = ['method', 'url', 'path', 'query', 'protocol'] as const;
export type RequestPart = (typeof REQUEST_PARTS)[number];

/**
 * Splits a request line `METHOD target PROTOCOL` held in buf[s, e) into method, url (the target
 * as written), path (url without `?query`), query (after the `?`, empty when none) and protocol,
 * writing ten ints to out[o..o+10).
 *
 * The split is at the first and the last space, so targets with spaces survive
 * (`GET /wais.pl?orbit sts71 HTTP/1.0`); spaces at the target's end are not part of it. When the last token is not `HTTP/...` there is no
 * protocol and the target runs to the end (`GET /ksc.html`). A request of `-` (nginx and Apache
 * write it for 408s) and one with no space at all (garbage, TLS handshakes on port 80) have an
 * empty method and the whole text as url.
 */
export function splitRequest(buf: Buffer, s: number, e: number, out: Int32Array, o: number): void {
  let methodEnd = s;
  let urlStart = s;
  let urlEnd = e;
  let protocolStart = e;
  const firstSpace = findByte(buf, s, e, SPACE);
  if (firstSpace >= 0) {
    methodEnd = firstSpace;
    urlStart = firstSpace + 1;
    const lastSpace = findLastByte(buf, urlStart, e, SPACE);
    if (lastSpace >= 0 && isHttpVersion(buf, lastSpace + 1, e)) {
      urlEnd = lastSpace;
      protocolStart = lastSpace + 1;
    }
  }
  // `GET /a   HTTP/1.0` (NASA's logs have them): the url is `/a`, never with trailing spaces.
  while (urlEnd > urlStart && buf[urlEnd - 1] === SPACE) urlEnd--;
  const question = findByte(buf, urlStart, urlEnd, QUESTION);
  const pathEnd = question >= 0 ? question : urlEnd;
  const queryStart = question >= 0 ? question + 1 : urlEnd;
  out[o] = s;
  out[o + 1] = methodEnd;
  out[o + 2] = urlStart;
  out[o + 3] = urlEnd;
  out[o + 4] = urlStart;
  out[o + 5] = pathEnd;
  out[o + 6] = queryStart;
  out[o + 7] = urlEnd;
  out[o + 8] = protocolStart;
  out[o + 9] = e;
}

/** `HTTP/` followed by at least one more byte. */
export function isHttpVersion(buf: Buffer, p: number, e: number): boolean {
  return (
    e - p > 5 && buf[p] === 0x48 && buf[p + 1] === 0x54 && buf[p + 2] === 0x54 && buf[p + 3] === 0x50 && buf[p + 4] === 0x2f
  );
}

const scratch = new Int32Array(10);

/** The same split for a request held in a string (JSON logs): part name -> text. */
export function splitRequestText(request: string): Record<RequestPart, string> {
  const buf = encodeText(request);
  splitRequest(buf, 0, buf.length, scratch, 0);
  const part = (k: number): string => decodeText(buf, scratch[2 * k]!, scratch[2 * k + 1]!);
  return { method: part(0), url: part(1), path: part(2), query: part(3), protocol: part(4) };
}
