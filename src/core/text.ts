/**
 * Bytes to text and back without losing anything.
 *
 * Logs are mostly UTF-8, but not always: a path with a stray Latin-1 byte, a truncated multi-byte
 * character, random garbage. Decoding with Node's default replaces every invalid byte with U+FFFD,
 * so `/a\xff`, `/a\xfe` and a real `/a\uFFFD` would become one group key. Here invalid bytes are
 * kept the way Python's "surrogateescape" keeps them: byte 0xXX becomes the lone low surrogate
 * U+DCXX, which valid UTF-8 can never produce. Distinct byte sequences stay distinct strings, and
 * `encodeText` turns those surrogates back into the original bytes on output.
 */

const REPLACEMENT = '\uFFFD';
const ESCAPE_BASE = 0xdc00;

/**
 * `buf[start, end)` as text; valid UTF-8 decodes as usual, each invalid byte becomes U+DC80..U+DCFF.
 * The fast path is Node's own decoder: only text that came out with a U+FFFD is decoded by hand.
 */
export function decodeText(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('utf8', start, end);
  return text.includes(REPLACEMENT) ? decodeCarefully(buf, start, end) : text;
}

function decodeCarefully(buf: Buffer, start: number, end: number): string {
  let out = '';
  let runStart = start; // bytes of valid sequences are decoded in runs, by Node
  let p = start;
  const flush = (upTo: number): void => {
    if (upTo > runStart) out += buf.toString('utf8', runStart, upTo);
  };
  while (p < end) {
    const length = validSequenceLength(buf, p, end);
    if (length > 0) {
      p += length;
      continue;
    }
    flush(p);
    out += String.fromCharCode(ESCAPE_BASE + buf[p]!);
    p++;
    runStart = p;
  }
  flush(p);
  return out;
}

/** Length of the well-formed UTF-8 sequence at p (Unicode table 3-7), or 0 when it is not one. */
function validSequenceLength(buf: Uint8Array, p: number, end: number): number {
  const b0 = buf[p]!;
  if (b0 < 0x80) return 1;
  const cont = (i: number, lo = 0x80, hi = 0xbf): boolean => p + i < end && buf[p + i]! >= lo && buf[p + i]! <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no UTF-16 surrogates
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** A lone low surrogate in the escape range (not the second half of a surrogate pair). */
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** Text as UTF-8 bytes, with the escaped bytes of decodeText restored to what they were. */
export function encodeText(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let runStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc80 || c > 0xdcff) continue;
    const previous = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (previous >= 0xd800 && previous <= 0xdbff) continue; // half of a real pair
    parts.push(Buffer.from(text.slice(runStart, i), 'utf8'), Buffer.of(c - ESCAPE_BASE));
    runStart = i + 1;
  }
  parts.push(Buffer.from(text.slice(runStart), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * Text a user wrote (a format string, a path) made safe to quote inside a one-line message:
 * line breaks, tabs and other control characters are shown as escapes (`\n`, `\t`, `\x1b`).
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => CONTROL_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const CONTROL_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
