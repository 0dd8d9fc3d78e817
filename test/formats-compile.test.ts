import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/core/errors.js';
import { Instant } from '../src/core/value.js';
import { FORMAT_NAMES, resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, strOf, valueOf } from './formats-helpers.js';

/** The format's own fields: without `line`, which every format has last (formats-line.test.ts). */
function fieldNames(spec: string): string[] {
  return resolveFormat(spec).fields?.map((f) => f.name).filter((name) => name !== 'line') ?? [];
}

function usageError(spec: string, pattern: RegExp): void {
  assert.throws(
    () => resolveFormat(spec),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, `UsageError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    },
  );
}

test('registry names and aliases', () => {
  assert.deepEqual([...FORMAT_NAMES], [
    'common', 'clf', 'combined', 'nginx', 'vhost_combined', 'json', 'logfmt', 'applog', 'apache_error', 'syslog', 'rfc3164', 'rfc5424',
  ]);
  assert.equal(resolveFormat('rfc3164'), resolveFormat('syslog'));
  assert.equal(resolveFormat('clf'), resolveFormat('common'));
  assert.equal(resolveFormat('nginx'), resolveFormat('combined'));
  assert.equal(resolveFormat('COMBINED'), resolveFormat('combined'));
  for (const name of FORMAT_NAMES) assert.ok(resolveFormat(name));
  assert.equal(resolveFormat('combined').name, 'combined');
  assert.equal(resolveFormat('json').fields, null);
});

test('an unknown name is a one-line UsageError listing the names', () => {
  usageError('apache2', /unknown format "apache2".*common.*applog/);
});

test('Apache LogFormat: the combined string compiles to the same fields as the registry', () => {
  const spec = '%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"';
  assert.deepEqual(fieldNames(spec), fieldNames('combined'));
  assert.equal(resolveFormat(spec).name, spec);
});

test('Apache LogFormat: timings, vhost, headers, ports, query and method directives', () => {
  const spec = '%v %V %a %A %p %{remote}p %P "%m %U%q %H" %>s %B %I %O %D %T %{ms}T %X %k "%{X-Forwarded-For}i" "%{Content-Type}o" %{HOME}e';
  assert.deepEqual(fieldNames(spec), [
    'vhost', 'server_name', 'host', 'server_ip', 'port', 'remote_port', 'pid', 'method', 'path', 'query',
    'protocol', 'status', 'bytes', 'bytes_in', 'bytes_out', 'duration_us', 'duration_s', 'duration_ms',
    'connection_status', 'keepalive_requests', 'http_x_forwarded_for', 'sent_http_content_type', 'env_home',
  ]);
  const line =
    'www.example.com example.com 10.1.2.3 10.0.0.1 443 51234 1234 "GET /search?q=x HTTP/2.0" 200 512 300 900 15321 0 15 + 3 ' +
    '"203.0.113.7, 10.0.0.9" "text/html; charset=utf-8" /root';
  const p = parseText(resolveFormat(spec), line);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host'), '10.1.2.3', '%a is the host when there is no %h');
  assert.equal(valueOf(p, 'client_ip'), '10.1.2.3');
  assert.equal(valueOf(p, 'path'), '/search');
  assert.equal(valueOf(p, 'query'), 'q=x', '%q loses its "?"');
  assert.equal(valueOf(p, 'duration_us'), 15321);
  assert.equal(valueOf(p, 'duration_ms'), 15);
  assert.equal(valueOf(p, 'keepalive_requests'), 3);
  assert.equal(valueOf(p, 'http_x_forwarded_for'), '203.0.113.7, 10.0.0.9');
  assert.equal(valueOf(p, 'sent_http_content_type'), 'text/html; charset=utf-8');
  assert.equal(valueOf(p, 'bytes'), 512);
  assert.equal(valueOf(p, 'bytes_out'), 900);
});

test('Apache LogFormat: %U%q with and without a query string', () => {
  const p = parseText(resolveFormat('%h "%m %U%q %H" %>s'), ['a "GET /x HTTP/1.1" 200', 'b "GET /y?z=1&w HTTP/1.1" 200'].join('\n'));
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'path', 0), '/x');
  assert.equal(valueOf(p, 'query', 0), '');
  assert.equal(valueOf(p, 'path', 1), '/y');
  assert.equal(valueOf(p, 'query', 1), 'z=1&w');
  assert.equal(valueOf(p, 'protocol', 1), 'HTTP/1.1');
  const last = parseText(resolveFormat('%>s %U%q'), ['200 /a?b', '404 /c'].join('\n'));
  assert.deepEqual(last.malformed, []);
  assert.equal(valueOf(last, 'query', 0), 'b');
  assert.equal(valueOf(last, 'path', 1), '/c');
});

test('Apache LogFormat: %{...}t with epoch and strftime patterns', () => {
  const epoch = parseText(resolveFormat('%h %{msec}t %>s'), '1.2.3.4 1700000000123 200');
  assert.deepEqual(epoch.malformed, []);
  assert.equal(numOf(epoch, 'time'), 1700000000123);
  const seconds = parseText(resolveFormat('%h %{sec}t %>s'), '1.2.3.4 1700000000 200');
  assert.equal(numOf(seconds, 'time'), 1700000000000);
  const strftime = parseText(resolveFormat('%h [%{%Y-%m-%d %H:%M:%S %z}t] %>s'), '1.2.3.4 [2024-03-05 06:07:08 +0130] 200');
  assert.deepEqual(strftime.malformed, []);
  const time = valueOf(strftime, 'time');
  assert.ok(time instanceof Instant);
  assert.equal(time.ms, Date.UTC(2024, 2, 5, 4, 37, 8));
  assert.equal(time.offsetMinutes, 90);
  const clf = parseText(resolveFormat('%h [%{%d/%b/%Y:%H:%M:%S %z}t] %>s'), '1.2.3.4 [10/Oct/2000:13:55:36 -0700] 200');
  assert.equal(numOf(clf, 'time'), Date.UTC(2000, 9, 10, 20, 55, 36));
  const begin = parseText(resolveFormat('%h %{begin:}t %>s'), '1.2.3.4 [10/Oct/2000:13:55:36 -0700] 200');
  assert.equal(numOf(begin, 'time'), Date.UTC(2000, 9, 10, 20, 55, 36), '%{begin:}t writes brackets like %t');
});

test('Apache LogFormat: modifiers are accepted, %% is a literal', () => {
  const p = parseText(resolveFormat('%!200h %400,501{User-Agent}i %<s 100%%'), 'host.example - 404 100%');
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host'), 'host.example');
  assert.equal(valueOf(p, 'agent'), '-');
  assert.equal(valueOf(p, 'status'), 404);
});

test('Apache LogFormat: a field named twice gets a suffix', () => {
  assert.deepEqual(fieldNames('%s %>s'), ['status', 'status_2']);
});

test('Apache LogFormat compile errors name the problem', () => {
  usageError('%h %Z', /bad LogFormat "%h %Z": unknown directive %Z/);
  usageError('%h %{Referer', /no closing "}"/);
  usageError('%h %', /ends without a directive letter/);
  usageError('%h%u', /%h and %u need literal text between them/);
  usageError('%{}i', /needs a name in braces/);
  usageError('%{%Q}t', /unknown conversion "%Q"/);
  usageError('%{min}T', /unknown unit/);
  usageError('100%%', /no fields/);
});

const NGINX_MAIN =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

test('nginx log_format: the default combined format', () => {
  assert.deepEqual(fieldNames(NGINX_MAIN), fieldNames('combined').filter((n) => n !== 'ident'));
  const p = parseText(
    resolveFormat(NGINX_MAIN),
    '93.180.71.3 - - [17/May/2015:08:05:32 +0000] "GET /downloads/product_1 HTTP/1.1" 304 0 "-" "Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)"',
  );
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'host'), '93.180.71.3');
  assert.equal(valueOf(p, 'remote_addr'), '93.180.71.3', 'the variable name is an alias');
  assert.equal(valueOf(p, 'status'), 304);
  assert.equal(valueOf(p, 'body_bytes_sent'), 0);
  assert.equal(valueOf(p, 'path'), '/downloads/product_1');
  assert.equal(valueOf(p, 'agent'), 'Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)');
});

test('nginx log_format: timings, upstream lists, hosts, ISO time and other variables', () => {
  const spec =
    '$host $server_name [$time_iso8601] "$request_method $request_uri $server_protocol" $uri?$args $status $bytes_sent ' +
    '$request_time $upstream_response_time "$http_x_forwarded_for" $ssl_protocol ${scheme}://';
  assert.deepEqual(fieldNames(spec), [
    'vhost', 'server_name', 'time', 'method', 'url', 'protocol', 'path', 'query', 'status', 'bytes',
    'request_time', 'upstream_response_time', 'http_x_forwarded_for', 'ssl_protocol', 'scheme',
  ]);
  const line =
    'api.example.com example.com [2024-01-02T03:04:05+01:00] "POST /v1/items?id=7 HTTP/2.0" /v1/items?id=7 201 845 ' +
    '0.012 0.010, 0.004 : 0.001 "203.0.113.7, 10.0.0.9" TLSv1.3 https://';
  const p = parseText(resolveFormat(spec), line);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'vhost'), 'api.example.com');
  assert.equal(p.parser.reader('host'), undefined, 'no client address in this format');
  assert.equal(numOf(p, 'time'), Date.UTC(2024, 0, 2, 2, 4, 5));
  assert.equal((valueOf(p, 'time') as Instant).offsetMinutes, 60);
  assert.equal(valueOf(p, 'method'), 'POST');
  assert.equal(valueOf(p, 'url'), '/v1/items?id=7');
  assert.equal(valueOf(p, 'path'), '/v1/items');
  assert.equal(valueOf(p, 'query'), 'id=7');
  assert.equal(valueOf(p, 'status'), 201);
  assert.equal(valueOf(p, 'bytes'), 845, '$bytes_sent is bytes when there is no $body_bytes_sent');
  assert.equal(valueOf(p, 'request_time'), 0.012);
  assert.ok(Math.abs(numOf(p, 'upstream_response_time') - 0.015) < 1e-12, 'upstream times are summed');
  assert.equal(strOf(p, 'upstream_response_time'), '0.010, 0.004 : 0.001');
  assert.equal(valueOf(p, 'http_x_forwarded_for'), '203.0.113.7, 10.0.0.9');
  assert.equal(valueOf(p, 'ssl_protocol'), 'TLSv1.3');
  assert.equal(valueOf(p, 'scheme'), 'https');
});

test('nginx log_format: $host is vhost, never the client host', () => {
  const format = resolveFormat('$remote_addr $host $status');
  const p = parseText(format, '10.0.0.1 www.example.com 200');
  assert.equal(valueOf(p, 'host'), '10.0.0.1');
  assert.equal(valueOf(p, 'vhost'), 'www.example.com');
  assert.equal(resolveFormat('$host $status').parser(null).reader('host'), undefined);
});

test('nginx log_format: "-" for a missing request time or upstream time reads as absent', () => {
  const p = parseText(resolveFormat('$status $request_time $upstream_response_time'), '499 - -');
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'request_time'), null);
  assert.ok(Number.isNaN(numOf(p, 'request_time')));
  assert.equal(valueOf(p, 'upstream_response_time'), null);
});

test('nginx log_format: a second time variable keeps its own name', () => {
  const p = parseText(resolveFormat('$time_local $status $msec'), '10/Oct/2000:13:55:36 -0700 200 1700000000.123');
  assert.deepEqual(p.malformed, []);
  assert.deepEqual(p.parser.format.fields?.map((f) => f.name), ['time', 'status', 'msec', 'line']);
  assert.equal(numOf(p, 'time'), Date.UTC(2000, 9, 10, 20, 55, 36), 'unbracketed CLF time');
  assert.equal(numOf(p, 'msec'), 1700000000123);
});

test('nginx log_format compile errors', () => {
  usageError('$remote_addr $', /bad log_format "\$remote_addr \$": "\$" at offset 13 is not followed by a variable name/);
  usageError('$remote_addr${status', /no closing "}"/);
  usageError('$remote_addr$status', /\$remote_addr and \$status need literal text between them/);
  usageError('${1abc}', /not followed by a variable name/);
});
