/**
 * Splits a query into tokens, lazily: the parser asks for token i and the lexer scans just far
 * enough, so the leftmost mistake is the one reported (an unclosed string at the end does not
 * hide a missing field name at the start).
 */
import { QueryError } from './errors.js';

export type TokenKind =
  | 'ident' // field names and keywords: status, @timestamp, a.b, count, p99.9
  | 'number' // 42, -1, 0.5, 1e3
  | 'string' // "..." or '...', value unescaped
  | 'regex' // /.../flags, only right after `matches` or `parse`
  | 'duration' // a number glued to letters: 5m, 1h, 30s (validated by the parser)
  | 'op' // == != < <= > >= ( ) , | + - * / % [ ] =
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (with quotes, slashes, flags). Empty for eof. */
  readonly text: string;
  /** Unescaped content for strings, the pattern for regexes, else the same as text. */
  readonly value: string;
  /** Regex flags; `quoted` for a name written in backticks (never a keyword); else empty. */
  readonly flags: string;
  readonly start: number;
  readonly end: number;
}

const KNOWN_OPERATORS = new Set(['==', '!=', '<', '<=', '>', '>=', '|', '=']);

/** Hints for operators people bring from other languages. */
const OPERATOR_HINTS: Readonly<Record<string, string>> = {
  '<>': "did you mean '!='?",
  '=>': "did you mean '>='?",
  '=<': "did you mean '<='?",
  '!': "use 'not'",
  '&&': "use 'and'",
  '&': "use 'and'",
  '||': "use 'or'",
  '~': "use 'matches'",
  '=~': "use 'matches'",
  '!~': "use 'not (... matches ...)'",
  '===': "use '=='",
  '!==': "use '!='",
};

function isIdentStart(c: number): boolean {
  // `$` starts nginx variable names (`$http_user_agent`), `@` Logstash's (`@timestamp`).
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f /* _ */ || c === 0x40 /* @ */ || c === 0x24; /* $ */
}

/** Tokens after which a `-` is subtraction, not the sign of a number: they end a value. */
function endsValue(t: Token | undefined): boolean {
  if (t === undefined) return false;
  if (t.kind === 'ident' || t.kind === 'number' || t.kind === 'string' || t.kind === 'duration') return true;
  return t.kind === 'op' && (t.text === ')' || t.text === ']');
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 0x2e; /* . */
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Characters that glue into one (possibly unknown) operator: `=!<>&|~`. */
function isOperatorChar(c: number): boolean {
  return c === 0x3d || c === 0x21 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x7c || c === 0x7e;
}

export class Lexer {
  private readonly tokens: Token[] = [];
  private pos = 0;

  constructor(readonly src: string) {}

  /** Token i (0-based). Past the end, the eof token. */
  at(i: number): Token {
    while (this.tokens.length <= i) {
      const last = this.tokens[this.tokens.length - 1];
      if (last !== undefined && last.kind === 'eof') return last;
      this.tokens.push(this.scan(last));
    }
    return this.tokens[i]!;
  }

  private scan(previous: Token | undefined): Token {
    const src = this.src;
    while (this.pos < src.length && isSpace(src.charCodeAt(this.pos))) this.pos++;
    const start = this.pos;
    if (start >= src.length) return this.token('eof', start, start);
    const c = src.charCodeAt(start);

    if (c === 0x22 || c === 0x27) return this.scanString(start);
    if (c === 0x2f && previous?.kind === 'ident' && /^(matches|parse)$/i.test(previous.value) && previous.flags !== 'quoted') {
      return this.scanRegex(start);
    }
    if (isDigit(c) || (c === 0x2d && isDigit(src.charCodeAt(start + 1)) && !endsValue(previous))) return this.scanNumber(start);
    if (isIdentStart(c)) {
      let end = start + 1;
      while (end < src.length && isIdentPart(src.charCodeAt(end))) end++;
      return this.token('ident', start, end);
    }
    if (c === 0x60) return this.scanQuotedName(start);
    // ( ) , [ ] and arithmetic: one character each.
    if (c === 0x28 || c === 0x29 || c === 0x2c || c === 0x5b || c === 0x5d) return this.token('op', start, start + 1);
    if (c === 0x2b || c === 0x2d || c === 0x2a || c === 0x2f || c === 0x25) return this.token('op', start, start + 1);
    if (isOperatorChar(c)) {
      let end = start + 1;
      while (end < src.length && isOperatorChar(src.charCodeAt(end))) end++;
      const op = src.slice(start, end);
      if (KNOWN_OPERATORS.has(op)) return this.token('op', start, end);
      const hint = OPERATOR_HINTS[op];
      throw new QueryError(`unknown operator '${op}'${hint ? ` (${hint})` : ''}`, start);
    }
    const ch = String.fromCodePoint(src.codePointAt(start)!);
    throw new QueryError(`unexpected character '${ch}'`, start);
  }

  private token(kind: TokenKind, start: number, end: number, value?: string, flags = ''): Token {
    this.pos = end;
    const text = this.src.slice(start, end);
    return { kind, text, value: value ?? text, flags, start, end };
  }

  private scanNumber(start: number): Token {
    const src = this.src;
    let end = start;
    if (src.charCodeAt(end) === 0x2d) end++;
    while (isDigit(src.charCodeAt(end))) end++;
    if (src.charCodeAt(end) === 0x2e && isDigit(src.charCodeAt(end + 1))) {
      end++;
      while (isDigit(src.charCodeAt(end))) end++;
    }
    const e = src.charCodeAt(end);
    if ((e === 0x65 || e === 0x45) /* e E */) {
      let k = end + 1;
      const sign = src.charCodeAt(k);
      if (sign === 0x2b || sign === 0x2d) k++;
      if (isDigit(src.charCodeAt(k))) {
        while (isDigit(src.charCodeAt(k))) k++;
        end = k;
      }
    }
    // `5m`, `30s`: a number glued to letters is a duration (or a typo the parser reports).
    if (end < src.length && isIdentStart(src.charCodeAt(end))) {
      while (end < src.length && isIdentPart(src.charCodeAt(end))) end++;
      return this.token('duration', start, end);
    }
    return this.token('number', start, end);
  }

  /**
   * Strings accept \n \t \r \0 \\ \" \' \uXXXX and \u{X...}. Any other backslash is kept as
   * written, so `matches "\d+"` means the regex \d+ without doubling the backslash.
   */
  private scanString(start: number): Token {
    const src = this.src;
    const quote = src.charCodeAt(start);
    let out = '';
    let i = start + 1;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === quote) return this.token('string', start, i + 1, out);
      if (c !== 0x5c /* \ */) {
        out += src[i];
        i++;
        continue;
      }
      if (i + 1 >= src.length) break;
      const next = src[i + 1]!;
      switch (next) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '"':
        case "'":
          out += next;
          break;
        case 'u': {
          const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(i + 2, i + 10));
          const plain = /^[0-9a-fA-F]{4}/.exec(src.slice(i + 2, i + 6));
          const hex = braced ? braced[1]! : plain ? plain[0] : null;
          const code = hex === null ? NaN : parseInt(hex, 16);
          if (!(code <= 0x10ffff)) throw new QueryError('bad \\u escape: expected \\uXXXX or \\u{X...}', i);
          out += String.fromCodePoint(code);
          i += 2 + (braced ? braced[0].length : 4);
          continue;
        }
        default:
          out += '\\' + next;
      }
      i += 2;
    }
    const q = String.fromCharCode(quote);
    throw new QueryError(`unclosed string: expected a closing ${q} before the end of the query`, start);
  }

  /** `` `any name-with.chars` ``: a field name in backticks, with `` \` `` for a backtick. */
  private scanQuotedName(start: number): Token {
    const src = this.src;
    let out = '';
    for (let i = start + 1; i < src.length; i++) {
      const c = src[i]!;
      if (c === '`') {
        if (out === '') throw new QueryError('empty name in backticks', start);
        return this.token('ident', start, i + 1, out, 'quoted');
      }
      if (c === '\\' && src[i + 1] === '`') {
        out += '`';
        i++;
      } else out += c;
    }
    throw new QueryError('unclosed name: expected a closing ` before the end of the query', start);
  }

  /** `/pattern/flags`. A `/` inside a character class or after a backslash does not end it. */
  private scanRegex(start: number): Token {
    const src = this.src;
    let i = start + 1;
    let inClass = false;
    while (i < src.length) {
      const c = src.charCodeAt(i);
      if (c === 0x5c) {
        i += 2;
        continue;
      }
      if (c === 0x5b) inClass = true;
      else if (c === 0x5d) inClass = false;
      else if (c === 0x2f && !inClass) {
        let end = i + 1;
        while (end < src.length && isIdentStart(src.charCodeAt(end))) end++;
        return this.token('regex', start, end, src.slice(start + 1, i), src.slice(i + 1, end));
      }
      i++;
    }
    throw new QueryError('unclosed regular expression: expected a closing / before the end of the query', start);
  }
}

/** All tokens of a query, eof included (for tests and tools). */
export function tokenize(src: string): Token[] {
  const lexer = new Lexer(src);
  const out: Token[] = [];
  for (let i = 0; ; i++) {
    const t = lexer.at(i);
    out.push(t);
    if (t.kind === 'eof') return out;
  }
}
