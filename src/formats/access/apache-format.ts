import { UsageError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { compileStrftime } from '../time/strftime.js';
import { buildTemplate, type FieldItem, type ScanKind, type Template, type TemplateItem } from './template.js';

/**
 * Compiles an Apache `LogFormat` string (mod_log_config) into a Template.
 *
 * Field names (the canonical ones are part of logsift's public contract):
 *
 * | directive          | field                 | kind                                   |
 * |--------------------|-----------------------|----------------------------------------|
 * | %h                 | host                  | token                                  |
 * | %a                 | client_ip (host when the format has no %h) | token             |
 * | %{c}a              | peer_ip               | token                                  |
 * | %A                 | server_ip             | token                                  |
 * | %l                 | ident                 | token                                  |
 * | %u                 | user                  | token                                  |
 * | %t                 | time                  | `[10/Oct/2000:13:55:36 -0700]`         |
 * | %{begin:}t %{end:}t | time                 | as %t                                  |
 * | %{sec,msec,usec}t  | time                  | epoch number                           |
 * | %{msec_frac}t %{usec_frac}t | msec_frac, usec_frac | number                       |
 * | %{strftime}t       | time                  | as the pattern says, no brackets (time/strftime.ts) |
 * | %r                 | request (+ method, url, path, query, protocol derived) | text  |
 * | %m %U %q %H        | method, path, query (without `?`), protocol | token            |
 * | %s %>s %<s         | status                | int                                    |
 * | %b                 | bytes (`-` = 0)       | size                                   |
 * | %B                 | bytes                 | int                                    |
 * | %O                 | bytes_out (bytes when the format has no %b/%B) | int           |
 * | %I                 | bytes_in              | int                                    |
 * | %S                 | bytes_total           | int                                    |
 * | %D                 | duration_us           | int                                    |
 * | %T %{s}T %{ms}T %{us}T | duration_s, duration_s, duration_ms, duration_us | int     |
 * | %v                 | vhost                 | token                                  |
 * | %V                 | server_name           | token                                  |
 * | %p %{canonical}p %{local}p | port          | int                                    |
 * | %{remote}p         | remote_port           | int                                    |
 * | %P %{pid}P         | pid                   | int                                    |
 * | %{tid}P %{hextid}P | tid                   | token                                  |
 * | %k                 | keepalive_requests    | int                                    |
 * | %X                 | connection_status     | token                                  |
 * | %L                 | log_id                | token                                  |
 * | %R                 | handler               | token                                  |
 * | %f                 | filename              | token                                  |
 * | %{Referer}i        | referer               | text                                   |
 * | %{User-Agent}i     | agent                 | text                                   |
 * | %{Name-X}i         | http_name_x           | text (same name as nginx's variable)   |
 * | %{Name-X}o         | sent_http_name_x      | text                                   |
 * | %{VAR}e            | env_var               | token                                  |
 * | %{Name}C           | cookie_name           | token                                  |
 * | %{name}n           | note_name             | token                                  |
 *
 * A token field written between double quotes is read as text (it may then hold spaces). A
 * field named twice gets `_2`, `_3`... Modifiers (`%>s`, `%<s`, `%400,501{User-Agent}i`, `%!200h`)
 * are accepted and ignored. `\"`, `\\`, `\t` and `\n` in the string are unescaped as in
 * httpd.conf.
 */
export function compileApacheFormat(format: string): Template {
  const items: TemplateItem[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) items.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '\\' && i + 1 < format.length) {
      const next = format[++i];
      literal += next === 't' ? '\t' : next === 'n' ? '\n' : next === '"' || next === '\\' ? next : `\\${next}`;
      continue;
    }
    if (ch !== '%') {
      literal += ch;
      continue;
    }
    const start = i;
    i++;
    // Modifiers: status conditions and original/final request selectors.
    while (i < format.length && /[<>!0-9,]/.test(format[i])) i++;
    let arg: string | undefined;
    if (format[i] === '{') {
      const close = format.indexOf('}', i);
      if (close < 0) throw bad(format, `"${format.slice(start)}" has no closing "}"`);
      arg = format.slice(i + 1, close);
      i = close + 1;
    }
    const letter = format[i];
    if (letter === undefined) throw bad(format, `"${format.slice(start)}" ends without a directive letter`);
    const directive = format.slice(start, i + 1);
    if (letter === '%') {
      literal += '%';
      continue;
    }
    if (letter === 't' && timePattern(arg) === '') {
      // %t (and %{begin:}t, %{end:}t) writes its own brackets; %{pattern}t does not.
      literal += '[';
      flush();
      items.push(field(directive, 'time', 'clf_time'));
      literal += ']';
      continue;
    }
    flush();
    items.push(apacheField(format, directive, letter, arg));
  }
  flush();
  return buildTemplate(format, items, 'LogFormat');
}

/** The pattern of %{...}t without its begin:/end: prefix; '' for the default CLF time. */
function timePattern(arg: string | undefined): string {
  return (arg ?? '').replace(/^(begin|end):/, '');
}

function field(directive: string, name: string, scan: ScanKind, extra: Partial<FieldItem> = {}): FieldItem {
  return { kind: 'field', directive, name, scan, ...extra, aliases: [...(extra.aliases ?? [])] };
}

function bad(format: string, why: string): UsageError {
  return new UsageError(`bad LogFormat "${printable(format)}": ${why}`);
}

/** `X-Forwarded-For` -> `x_forwarded_for`. */
export function snakeCase(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function needArg(format: string, directive: string, arg: string | undefined): string {
  if (!arg) throw bad(format, `${directive} needs a name in braces, e.g. %{User-Agent}i`);
  return arg;
}

function apacheField(format: string, directive: string, letter: string, arg: string | undefined): FieldItem {
  switch (letter) {
    case 'h': return field(directive, arg === 'c' ? 'peer_host' : 'host', 'token');
    case 'a': return arg === 'c' ? field(directive, 'peer_ip', 'token') : field(directive, 'client_ip', 'token', { promoteTo: 'host' });
    case 'A': return field(directive, 'server_ip', 'token');
    case 'l': return field(directive, 'ident', 'token');
    case 'u': return field(directive, 'user', 'token');
    case 'r': return field(directive, 'request', 'text');
    case 'm': return field(directive, 'method', 'token');
    case 'U': return field(directive, 'path', 'token');
    case 'q': return field(directive, 'query', 'token', { stripQuestion: true });
    case 'H': return field(directive, 'protocol', 'token');
    case 's': return field(directive, 'status', 'int');
    case 'b': return field(directive, 'bytes', 'size');
    case 'B': return field(directive, 'bytes', 'int');
    case 'O': return field(directive, 'bytes_out', 'int', { promoteTo: 'bytes' });
    case 'I': return field(directive, 'bytes_in', 'int');
    case 'S': return field(directive, 'bytes_total', 'int');
    case 'D': return field(directive, 'duration_us', 'int');
    case 'T': {
      const unit = arg ?? 's';
      if (unit === 's') return field(directive, 'duration_s', 'int');
      if (unit === 'ms') return field(directive, 'duration_ms', 'int');
      if (unit === 'us') return field(directive, 'duration_us', 'int');
      throw bad(format, `unknown unit in ${directive} (use s, ms or us)`);
    }
    case 'v': return field(directive, 'vhost', 'token');
    case 'V': return field(directive, 'server_name', 'token');
    case 'p':
      if (arg === 'remote') return field(directive, 'remote_port', 'int');
      return field(directive, 'port', 'int');
    case 'P':
      if (arg === 'tid' || arg === 'hextid') return field(directive, 'tid', 'token');
      return field(directive, 'pid', 'int');
    case 'k': return field(directive, 'keepalive_requests', 'int');
    case 'X': return field(directive, 'connection_status', 'token');
    case 'L': return field(directive, 'log_id', 'token');
    case 'R': return field(directive, 'handler', 'token');
    case 'f': return field(directive, 'filename', 'token');
    case 'i': {
      // A request header also answers to its own name (`%{X-Forwarded-For}i` as x_forwarded_for)
      // and to nginx's variable for it (http_x_forwarded_for), so queries read the same either way.
      const header = snakeCase(needArg(format, directive, arg));
      if (header === 'referer' || header === 'referrer') return field(directive, 'referer', 'text', { aliases: ['http_referer', header] });
      if (header === 'user_agent') return field(directive, 'agent', 'text', { aliases: ['http_user_agent', 'user_agent'] });
      return field(directive, `http_${header}`, 'text', { aliases: [header] });
    }
    case 'o': return field(directive, `sent_http_${snakeCase(needArg(format, directive, arg))}`, 'text');
    case 'e': return field(directive, `env_${snakeCase(needArg(format, directive, arg))}`, 'token');
    case 'C': return field(directive, `cookie_${snakeCase(needArg(format, directive, arg))}`, 'token');
    case 'n': return field(directive, `note_${snakeCase(needArg(format, directive, arg))}`, 'token');
    case 't': return timeField(format, directive, timePattern(arg));
    default:
      throw bad(format, `unknown directive ${directive}`);
  }
}

function timeField(format: string, directive: string, pattern: string): FieldItem {
  switch (pattern) {
    case 'sec': return field(directive, 'time', 'epoch_time', { epochScale: 1000 });
    case 'msec': return field(directive, 'time', 'epoch_time', { epochScale: 1 });
    case 'usec': return field(directive, 'time', 'epoch_time', { epochScale: 0.001 });
    case 'msec_frac': return field(directive, 'msec_frac', 'int');
    case 'usec_frac': return field(directive, 'usec_frac', 'int');
    default:
      try {
        return field(directive, 'time', 'strftime_time', { strftime: compileStrftime(pattern) });
      } catch (error) {
        throw bad(format, `${directive}: ${(error as Error).message}`);
      }
  }
}
