import { DASH, QUOTE, SPACE } from '../bytes.js';
import { CLF_TIME_LENGTH } from '../time/clf-time.js';
import { CLF_TIME, INT, KIND_CODES, NUMLIST, SIZE, TEXT, TOKEN } from './scan-kinds.js';
import type { Template } from './template.js';

/** "No occurrence up to the buffer's end" in ForwardMatcher.memoFound: above any index. */
export const NONE = 0x7fffffff;

/** Bits of a field's entry in `writes`: store its byte range, store its number. */
export const WRITE_SPAN = 1;
export const WRITE_NUM = 2;

/**
 * Writes the JavaScript source of a one-pass matcher specialised for one template: the fields'
 * steps one after another, literals compared byte by byte against constants. Interpreting the
 * template instead (a loop that looks up each field's kind and literal) measured about 190 ns
 * per combined line against 100 ns for the compiled steps. Only numbers (byte values, lengths,
 * field indexes) and the fixed kind names (in comments) are written into the source, never text
 * of the format, so no format string can inject code.
 *
 * Each step computes the end its field's first candidate has in AccessMatcher (matcher.ts), by
 * the same rules; see ForwardMatcher for why that decides exactly as the backtracking matcher
 * does. The generated function returns false as soon as a first candidate fails.
 *
 * `writes[i]` says what to store for field i (WRITE_SPAN, WRITE_NUM): every field is matched and
 * validated, but only what some reader will read is written (a row's spans and numbers cover a
 * few cache lines; storing fields nobody reads costs more than scanning them). Rarer kinds
 * (decimals, epoch, ISO and strftime times) always store their value.
 *
 * For `combined`, storing only %b (`sum(bytes)`), the steps read (abridged):
 *
 *   q = p; while (q < e && buf[q] !== 32) q++;              // %h: a token up to " "
 *   if (!(q + 1 <= e && buf[q] === 32)) return false;
 *   p = q + 1;
 *   ...
 *   q = p + 26;                                             // %t: 26 bytes, then `] "`
 *   if (!(q + 3 <= e && buf[q] === 93 && buf[q + 1] === 32 && buf[q + 2] === 34)) return false;
 *   if (!rt.clf.check(buf, p, q)) return false;
 *   p = q + 3;
 *   for (q = p; ; q++) {                                    // "%r": text up to `" `
 *     v = found[4];                                         //   the next `"`, from the memo
 *     if (q > v || q < from[4]) { v = buf.indexOf(34, q); ... }   // or a native search
 *     if (v >= e) return false;
 *     q = v;
 *     if (q + 2 <= e && buf[q] === 34 && buf[q + 1] === 32 && !(buf[q - 1] === 92 && rt.escaped(buf, p, q))) break;
 *   }
 *   ...
 *   while (c >= 48 && c <= 57) { v = v * 10 + (c - 48); c = ++q < e ? buf[q] : -1; }   // %b
 *   ...
 *   nums[no + 6] = v; spans[o + 12] = p; spans[o + 13] = q;
 *   ...
 *   q = e - 1;                                              // "%{User-Agent}i": up to the last `"`
 *
 * Returns null for templates it does not handle: `%U%q` (no literal between two fields), `%q`
 * (the matcher retries when the query lacks its `?`), and a CLF time followed by a literal
 * starting with a sign or digit (the backtracking matcher could find it inside the time).
 *
 * The generated function is `(rt, buf, s, e, spans, o, nums, offsets, no) => boolean`: `rt` is
 * the ForwardMatcher (its memo, clf, escaped and otherEnd), `o` and `no` the row's bases in
 * spans and in nums/offsets.
 */
export function forwardMatchSource(template: Template, writes: Uint8Array): string | null {
  const { fields, literals } = template;
  const n = fields.length;
  const lines: string[] = ['let p = s, q = 0, c = 0, v = 0;', 'const from = rt.memoFrom, found = rt.memoFound;'];
  lines.push(`if (!(${literalTest('s', literals[0], false)})) return false;`, `p = s + ${literals[0].length};`);
  for (let i = 0; i < n; i++) {
    const field = fields[i];
    const lit = literals[i + 1];
    const last = i === n - 1;
    const kind = KIND_CODES[field.scan];
    if (field.stripQuestion || (!last && lit.length === 0)) return null;
    lines.push(`// field ${i}: ${field.scan}`);
    if (last && (kind === TOKEN || kind === TEXT || kind === NUMLIST)) {
      lines.push(...lastStep(lit, kind === TOKEN));
    } else if (kind === TOKEN) {
      lines.push(...tokenStep(lit));
    } else if (kind === TEXT || kind === NUMLIST) {
      lines.push(...textStep(i, lit));
    } else if (kind === INT || kind === SIZE) {
      lines.push(...integerStep(i, kind === SIZE, lit, last, (writes[i] & WRITE_NUM) !== 0));
    } else if (kind === CLF_TIME) {
      // 26 bytes, validated here and decoded when read (access-fields.ts). AccessMatcher takes
      // the first occurrence of the literal from byte 21 on; bytes 21-25 of a valid time are a
      // sign and digits, so unless the literal can start with one of those, byte 26 is the only
      // end that can work.
      if (lit.length > 0 && isSignOrDigit(lit[0])) return null;
      lines.push(
        `q = p + ${CLF_TIME_LENGTH};`,
        `if (!(${literalTest('q', lit, last)})) return false;`,
        'if (!rt.clf.check(buf, p, q)) return false;',
      );
    } else {
      lines.push(`q = rt.otherEnd(${i}, buf, p, e, nums, offsets, no);`, 'if (q < 0) return false;');
    }
    if ((writes[i] & WRITE_SPAN) !== 0) lines.push(`spans[o + ${2 * i}] = p;`, `spans[o + ${2 * i + 1}] = q;`);
    if (!last) lines.push(`p = q + ${lit.length};`);
  }
  lines.push('return true;');
  return lines.join('\n');
}

/**
 * A token ends at the first occurrence of its literal and holds no space. With a literal that
 * starts with a space (the usual case) that is: the first space, if the literal follows there.
 */
function tokenStep(lit: Buffer): string[] {
  if (lit[0] === SPACE) {
    return [
      `q = p; while (q < e && buf[q] !== ${SPACE}) q++;`,
      `if (!(${literalTest('q', lit, false)})) return false;`,
    ];
  }
  return [
    'for (q = p; ; q++) {',
    '  if (q >= e) return false;',
    '  c = buf[q];',
    `  if (${literalTest('q', lit, false)}) break;`,
    `  if (c === ${SPACE}) return false;`,
    '}',
  ];
}

/**
 * A text field ends at the first occurrence of its literal that is not an escaped quote. The
 * literal's first byte is found by the native indexOf through field i's memo (see
 * ForwardMatcher.memoFound): one search per line, and one per batch when the byte is missing.
 * A field that is just `-` (no referer, say: about half of them) is recognised without a search.
 */
function textStep(i: number, lit: Buffer): string[] {
  const notEscaped = lit[0] === QUOTE ? ' && !(buf[q - 1] === 92 && rt.escaped(buf, p, q))' : '';
  // After a `-` the literal's first occurrence is the next byte (unless the literal itself
  // starts with `-`, which could then occur at the `-`).
  const dash = lit[0] === DASH ? [] : [`if (buf[p] === ${DASH} && ${literalTest('p + 1', lit, false)}) q = p + 1;`, 'else'];
  return [
    ...dash,
    'for (q = p; ; q++) {',
    `  v = found[${i}];`,
    `  if (q > v || q < from[${i}]) {`,
    `    v = buf.indexOf(${lit[0]}, q);`,
    `    if (v < 0) v = ${NONE};`,
    `    from[${i}] = q;`,
    `    found[${i}] = v;`,
    '  }',
    '  if (v >= e) return false;',
    '  q = v;',
    `  if (${literalTest('q', lit, false)}${notEscaped}) break;`,
    '}',
  ];
}

/**
 * The last field has one possible end: where the final literal ends the line (not an escaped
 * quote; for a token, with no space before it).
 */
function lastStep(lit: Buffer, token: boolean): string[] {
  const lines = [`q = e - ${lit.length};`, `if (q < p || !(${literalTest('q', lit, false)})) return false;`];
  if (lit.length > 0 && lit[0] === QUOTE) lines.push('if (buf[q - 1] === 92 && rt.escaped(buf, p, q)) return false;');
  if (token) lines.push(`for (c = p; c < q; c++) if (buf[c] === ${SPACE}) return false;`);
  return lines;
}

/**
 * Digits (or, for a size, `-` meaning zero bytes), as AccessMatcher.numberEnd reads them. The
 * value is only computed and stored when some reader wants it.
 */
function integerStep(i: number, size: boolean, lit: Buffer, last: boolean, store: boolean): string[] {
  const digits = [
    store
      ? 'while (c >= 48 && c <= 57) { v = v * 10 + (c - 48); c = ++q < e ? buf[q] : -1; }'
      : 'while (c >= 48 && c <= 57) c = ++q < e ? buf[q] : -1;',
    'if (q === p) return false;',
  ];
  const scan = size
    ? [
        `if (c === ${DASH} && (q + 1 === e || !(buf[q + 1] >= 48 && buf[q + 1] <= 57))) q++;`,
        'else {',
        ...digits.map((line) => '  ' + line),
        '}',
      ]
    : digits;
  return [
    'q = p; v = 0; c = q < e ? buf[q] : -1;',
    ...scan,
    `if (!(${literalTest('q', lit, last)})) return false;`,
    ...(store ? [`nums[no + ${i}] = v;`] : []),
  ];
}

/**
 * A boolean expression: `lit` occurs at index `at` and fits in the line; after the last field it
 * must also end the line there.
 */
function literalTest(at: string, lit: Buffer, last: boolean): string {
  const parts = [last ? `${at} + ${lit.length} === e` : `${at} + ${lit.length} <= e`];
  lit.forEach((byte, k) => parts.push(`buf[${k === 0 ? at : `${at} + ${k}`}] === ${byte}`));
  return parts.join(' && ');
}

function isSignOrDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === DASH;
}

