import { UsageError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { buildTemplate, type FieldItem, type ScanKind, type Template, type TemplateItem } from './template.js';

/**
 * Compiles an nginx `log_format` string (the text between the quotes of the directive) into a
 * Template. Every variable becomes a field; variables with a canonical meaning take the canonical
 * name and keep the variable's name as an alias (when the canonical name is already taken, as
 * for a second time variable, they keep the variable's name); the rest are named after the
 * variable.
 *
 * | variable                  | field                        | kind            |
 * |---------------------------|------------------------------|-----------------|
 * | $remote_addr              | host                         | token           |
 * | $remote_user              | user                         | token           |
 * | $time_local               | time                         | CLF time        |
 * | $time_iso8601             | time                         | ISO-8601 time   |
 * | $msec                     | time                         | epoch seconds   |
 * | $request                  | request (+ method, url, path, query, protocol derived) | text |
 * | $request_method           | method                       | token           |
 * | $request_uri              | url                          | token           |
 * | $uri, $document_uri       | path                         | token           |
 * | $args, $query_string      | query                        | token           |
 * | $server_protocol          | protocol                     | token           |
 * | $status                   | status                       | int             |
 * | $body_bytes_sent          | bytes                        | size            |
 * | $bytes_sent               | bytes_sent (bytes when there is no $body_bytes_sent) | int |
 * | $request_length           | request_length               | int             |
 * | $request_time             | request_time                 | decimal (s)     |
 * | $upstream_*_time, $upstream_bytes_* | upstream_response_time, ... | numlist (sum) |
 * | other $upstream_*         | same name                    | text (lists)    |
 * | $http_referer             | referer                      | text            |
 * | $http_user_agent          | agent                        | text            |
 * | $http_NAME                | http_NAME                    | text            |
 * | $sent_http_NAME           | sent_http_NAME               | text            |
 * | $host                     | vhost (not `host`, which is the client) | token |
 * | $server_name              | server_name                  | token           |
 * | $server_addr              | server_ip                    | token           |
 * | $server_port              | port                         | int             |
 * | $remote_port              | remote_port                  | int             |
 * | $connection, $connection_requests, $pid, $content_length | same name | int |
 * | $gzip_ratio               | gzip_ratio                   | decimal         |
 * | any other $name           | name                         | token (text when quoted) |
 *
 * `${name}` is accepted as well as `$name`; `\"` and `\\` are unescaped.
 */
export function compileNginxFormat(format: string): Template {
  const items: TemplateItem[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) items.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (ch === '\\' && (format[i + 1] === '"' || format[i + 1] === '\\')) {
      literal += format[++i];
      continue;
    }
    if (ch !== '$') {
      literal += ch;
      continue;
    }
    let name: string;
    let end: number;
    if (format[i + 1] === '{') {
      end = format.indexOf('}', i);
      if (end < 0) throw bad(format, `"${format.slice(i)}" has no closing "}"`);
      name = format.slice(i + 2, end);
      end++;
    } else {
      end = i + 1;
      while (end < format.length && /[A-Za-z0-9_]/.test(format[end])) end++;
      name = format.slice(i + 1, end);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw bad(format, `"$" at offset ${i} is not followed by a variable name`);
    }
    flush();
    items.push(nginxField(name));
    i = end - 1;
  }
  flush();
  return buildTemplate(format, items, 'log_format');
}

function bad(format: string, why: string): UsageError {
  return new UsageError(`bad log_format "${printable(format)}": ${why}`);
}

interface Known {
  readonly name?: string;
  readonly scan: ScanKind;
  readonly promoteTo?: string;
  readonly epochScale?: number;
}

const KNOWN: Record<string, Known> = {
  remote_addr: { name: 'host', scan: 'token' },
  remote_user: { name: 'user', scan: 'token' },
  time_local: { name: 'time', scan: 'clf_time' },
  time_iso8601: { name: 'time', scan: 'iso_time' },
  msec: { name: 'time', scan: 'epoch_time', epochScale: 1000 },
  request: { scan: 'text' },
  request_method: { name: 'method', scan: 'token' },
  request_uri: { name: 'url', scan: 'token' },
  uri: { name: 'path', scan: 'token' },
  document_uri: { name: 'path', scan: 'token' },
  args: { name: 'query', scan: 'token' },
  query_string: { name: 'query', scan: 'token' },
  server_protocol: { name: 'protocol', scan: 'token' },
  status: { scan: 'int' },
  body_bytes_sent: { name: 'bytes', scan: 'size' },
  bytes_sent: { scan: 'int', promoteTo: 'bytes' },
  request_length: { scan: 'int' },
  request_time: { scan: 'decimal' },
  http_referer: { name: 'referer', scan: 'text' },
  http_user_agent: { name: 'agent', scan: 'text' },
  host: { name: 'vhost', scan: 'token' },
  server_name: { scan: 'token' },
  server_addr: { name: 'server_ip', scan: 'token' },
  server_port: { name: 'port', scan: 'int' },
  remote_port: { scan: 'int' },
  connection: { scan: 'int' },
  connection_requests: { scan: 'int' },
  pid: { scan: 'int' },
  content_length: { scan: 'int' },
  gzip_ratio: { scan: 'decimal' },
};

/** Names with a fixed meaning in logsift; a variable spelled like one is not made its alias. */
const CANONICAL_NAMES: ReadonlySet<string> = new Set([
  'host', 'ident', 'user', 'time', 'method', 'url', 'path', 'query', 'protocol', 'status', 'bytes', 'referer', 'agent',
]);

function nginxField(variable: string): FieldItem {
  const directive = `$${variable}`;
  const known = Object.hasOwn(KNOWN, variable) ? KNOWN[variable] : undefined;
  if (known) {
    const name = known.name ?? variable;
    // `$host` must not answer to `host`, which is the client everywhere else.
    const aliased = name !== variable && !CANONICAL_NAMES.has(variable);
    return {
      kind: 'field',
      directive,
      name,
      aliases: aliased ? [variable] : [],
      scan: known.scan,
      promoteTo: known.promoteTo,
      epochScale: known.epochScale,
    };
  }
  let scan: ScanKind = 'token';
  if (variable.startsWith('http_') || variable.startsWith('sent_http_')) scan = 'text';
  else if (/^upstream_(.*_time|bytes_.*)$/.test(variable)) scan = 'numlist';
  // Other upstream values list one entry per upstream tried: "10.0.0.1:80, 10.0.0.2:80".
  else if (variable.startsWith('upstream_')) scan = 'text';
  return { kind: 'field', directive, name: variable, aliases: [], scan };
}
