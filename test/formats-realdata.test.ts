/**
 * The access-log parsers against the shared real-world logs (see /work/shared/data/README.md for
 * where each comes from and what is odd about it). Each test skips when its file is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Instant, type Value } from '../src/core/value.js';
import { resolveFormat } from '../src/formats/registry.js';
import { numOf, parseText, readData, skipMessage, valueOf, type Parsed } from './formats-helpers.js';

/** Parses a data file, or skips the test when it is absent. */
function parseData(t: { skip(message: string): void }, file: string, format: string, needed: ReadonlySet<string> | null = null): Parsed | null {
  const buf = readData(file);
  if (!buf) {
    t.skip(skipMessage(file));
    return null;
  }
  return parseText(resolveFormat(format), buf, needed);
}

/** Row index of 1-based line n. */
const line = (n: number): number => n - 1;

function ipv6Rows(p: Parsed): number {
  return p.rows.filter((r) => String(valueOf(p, 'host', r)).includes(':')).length;
}

test('elastic apache_logs (combined): values, the truncated line 8899, bytes past 2^31', (t) => {
  const p = parseData(t, 'elastic-apache/apache_logs', 'combined');
  if (!p) return;
  assert.equal(p.batch.count, 10000);
  assert.deepEqual(p.malformed, [line(8899)], 'only the truncated line with an unclosed quote');
  assert.equal(valueOf(p, 'host', 0), '83.149.9.216');
  assert.equal(numOf(p, 'time', 0), Date.UTC(2015, 4, 17, 10, 5, 3));
  assert.equal(valueOf(p, 'path', 0), '/presentations/logstash-monitorama-2013/images/kibana-search.png');
  assert.equal(valueOf(p, 'status', 0), 200);
  assert.equal(valueOf(p, 'bytes', 0), 203023);
  assert.equal(valueOf(p, 'referer', 0), 'http://semicomplete.com/presentations/logstash-monitorama-2013/');
  assert.equal(valueOf(p, 'method', line(9158)), 'OPTIONS');
  assert.equal(valueOf(p, 'bytes', line(8900)), 0, 'a "-" size');
  let sum = 0;
  for (const row of p.rows) sum += numOf(p, 'bytes', row);
  assert.equal(sum, 2_747_282_505);
});

test('elastic apache_logs: a status-only parser agrees with the full parser on every row', (t) => {
  const full = parseData(t, 'elastic-apache/apache_logs', 'combined');
  const projected = parseData(t, 'elastic-apache/apache_logs', 'combined', new Set(['status']));
  if (!full || !projected) return;
  const statuses = (p: Parsed): number[] => p.rows.map((r) => numOf(p, 'status', r));
  assert.deepEqual(statuses(projected).filter((_, i) => projected.rows[i] !== line(8899)), statuses(full));
});

const NASA = ['xaa', 'xab', 'xac', 'xad', 'xae', 'xaf', 'xag', 'xah', 'xai', 'xaj'];

test('NASA Jul 95 (common): every line of the ten files parses, sizes sum past 2^32', (t) => {
  let sum = 0;
  let rows = 0;
  for (const name of NASA) {
    const p = parseData(t, `nasa-jul95/${name}`, 'common');
    if (!p) return;
    assert.deepEqual(p.malformed, [], `${name} has no malformed line`);
    rows += p.rows.length;
    for (const row of p.rows) sum += numOf(p, 'bytes', row);
  }
  assert.equal(rows, 133_423);
  assert.equal(sum, 3_369_738_242);
});

test('NASA oddities: stray quote, spaces in the url, no protocol', (t) => {
  const xaj = parseData(t, 'nasa-jul95/xaj', 'common');
  const xaa = parseData(t, 'nasa-jul95/xaa', 'common');
  const xab = parseData(t, 'nasa-jul95/xab', 'common');
  if (!xaj || !xaa || !xab) return;
  // frank.mtsu.edu - - [03/Jul/1995:02:41:15 -0400] "GET /images/" HTTP/1.0" 404 -
  assert.equal(valueOf(xaj, 'host', line(11752)), 'frank.mtsu.edu');
  assert.equal(valueOf(xaj, 'request', line(11752)), 'GET /images/" HTTP/1.0');
  assert.equal(valueOf(xaj, 'status', line(11752)), 404);
  assert.equal(valueOf(xaj, 'bytes', line(11752)), 0);
  assert.equal(valueOf(xaa, 'url', line(11277)), '/history/history.html                                                 hqpao/hqpao_home.html');
  assert.equal(valueOf(xaa, 'protocol', line(11277)), 'HTTP/1.0');
  assert.equal(valueOf(xab, 'url', line(2345)), '/shuttle/missions/missions.html Shuttle Launches from Kennedy Space Center');
  // columbia.acc.brad.ac.uk - - [01/Jul/1995:00:51:31 -0400] "GET /ksc.html" 200 7074
  assert.equal(valueOf(xaa, 'url', line(3060)), '/ksc.html');
  assert.equal(valueOf(xaa, 'protocol', line(3060)), '');
  const time = valueOf(xaa, 'time', 0);
  assert.ok(time instanceof Instant);
  assert.equal(time.offsetMinutes, -240);
  assert.equal(time.ms, Date.UTC(1995, 6, 1, 4, 0, 1));
});

test('javagrok access_log (common, CRLF): hostnames, "-" request with 408, OPTIONS *', (t) => {
  const p = parseData(t, 'javagrok/access_log', 'common');
  if (!p) return;
  assert.equal(p.batch.count, 1536);
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'status', 0), 401);
  assert.equal(valueOf(p, 'bytes', 0), 12846, 'the CR is not part of the last field');
  assert.equal(valueOf(p, 'host', line(28)), 'lordgun.org');
  assert.equal(valueOf(p, 'request', line(907)), '-');
  assert.equal(valueOf(p, 'method', line(907)), '');
  assert.equal(valueOf(p, 'url', line(907)), '-');
  assert.equal(valueOf(p, 'status', line(907)), 408);
  assert.equal(valueOf(p, 'method', line(96)), 'OPTIONS');
  assert.equal(valueOf(p, 'url', line(96)), '*');
  assert.equal((valueOf(p, 'time', 0) as Instant).offsetMinutes, -480);
});

test('basjes hackers-access.log (combined): IPv6 clients and full-URL requests', (t) => {
  const p = parseData(t, 'basjes/hackers-access.log', 'combined');
  if (!p) return;
  assert.equal(p.batch.count, 3456);
  assert.deepEqual(p.malformed, []);
  assert.equal(ipv6Rows(p), 12);
  assert.equal(valueOf(p, 'host', line(2577)), '2001:41d0:8:f69::1');
  assert.equal(valueOf(p, 'url', line(17)), 'http://niels.basj.es/acl_users/credentials_cookie_auth/require_login?came_from=http%3A//niels.basj.es/join_form');
  assert.equal(valueOf(p, 'query', line(17)), 'came_from=http%3A//niels.basj.es/join_form');
  assert.equal((valueOf(p, 'time', 0) as Instant).offsetMinutes, 60);
});

test('basjes access_log.gz (combined): the garbage line is malformed', (t) => {
  const p = parseData(t, 'basjes/access_log.gz', 'combined');
  if (!p) return;
  assert.equal(p.batch.count, 17);
  assert.deepEqual(p.malformed, [line(2)]);
  assert.equal(p.rows.length, 16);
});

test('nginx_logs.txt (combined as nginx writes it): every line, IPv6 clients', (t) => {
  const p = parseData(t, 'nginx-elastic/nginx_logs.txt', 'nginx');
  if (!p) return;
  assert.equal(p.batch.count, 14575);
  assert.deepEqual(p.malformed, []);
  assert.equal(ipv6Rows(p), 15);
  assert.equal(valueOf(p, 'status', 0), 304);
});

test('nginx_logs.txt read with the nginx log_format string gives the same records', (t) => {
  const viaName = parseData(t, 'nginx-elastic/nginx_logs.txt', 'combined');
  const viaString = parseData(
    t,
    'nginx-elastic/nginx_logs.txt',
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  );
  if (!viaName || !viaString) return;
  assert.deepEqual(viaString.malformed, []);
  for (const row of [0, 100, 14574]) {
    const named: Record<string, Value> = viaName.parser.record(viaName.batch, row);
    const compiled: Record<string, Value> = viaString.parser.record(viaString.batch, row);
    delete named.ident;
    assert.deepEqual(compiled, named);
  }
});
