/**
 * The application-log layouts of issue 8: Spark/log4j and Hadoop (applog, with `logger` filled),
 * the Apache error log (2.2 and 2.4), syslog (RFC 3164, with the year rule) and RFC 5424. Fields
 * are checked line by line on fixtures modelled on real logs, and whole-file answers against awk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Instant } from '../src/core/value.js';
import { detectFormat } from '../src/formats/detect.js';
import { resolveFormat } from '../src/formats/registry.js';
import { FIXTURES, numOf, parseText, spanText, strOf, valueOf } from './formats-helpers.js';
import { runCli } from './support/cli.js';

const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const lines = (name: string): string[] => fixture(name).split('\n').filter((l) => l !== '');

/** awk over a fixture: `key<TAB>count` lines of what the program prints, as a map. */
function awkCounts(program: string, file: string): Map<string, number> {
  const r = spawnSync('awk', [program, join(FIXTURES, file)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const counts = new Map<string, number>();
  for (const key of r.stdout.split('\n').slice(0, -1)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** logsift's `count by KEY` as a map (CSV, keys as text). */
function siftCounts(args: readonly string[], key: string): Map<string, number> {
  const r = runCli(['--csv', ...args], { cwd: FIXTURES });
  assert.equal(r.code, 0, r.stderr);
  const [header, ...rows] = r.stdout.trimEnd().split('\n');
  assert.equal(header, `${key},count`);
  return new Map(rows.map((row) => [row.slice(0, row.lastIndexOf(',')).replace(/^"|"$/g, ''), Number(row.slice(row.lastIndexOf(',') + 1))]));
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

test('detection picks each layout from its fixture, and the access formats keep theirs', () => {
  assert.equal(detectFormat(lines('spark.log'))?.name, 'applog');
  assert.equal(detectFormat(lines('hadoop.log'))?.name, 'applog');
  assert.equal(detectFormat(lines('apache_error.log'))?.name, 'apache_error');
  assert.equal(detectFormat(lines('syslog.log'))?.name, 'syslog');
  assert.equal(detectFormat(lines('rfc5424.log'))?.name, 'rfc5424');
  // An applog line with a `logger:` would also read as syslog (host INFO, tag logger): applog first.
  assert.equal(detectFormat(['2024-01-02T03:04:05Z INFO db.pool: exhausted'])?.name, 'applog');
});

test('Spark / log4j yy/MM/dd: time, level, logger (any name: the layout always writes one), message', () => {
  const p = parseText(resolveFormat('applog'), fixture('spark.log'));
  assert.deepEqual(p.malformed, []);
  assert.deepEqual(valueOf(p, 'time'), new Instant(Date.UTC(2017, 5, 9, 20, 10, 40), 0));
  assert.equal(strOf(p, 'level'), 'INFO');
  assert.equal(spanText(p, 'logger'), 'executor.CoarseGrainedExecutorBackend');
  assert.equal(strOf(p, 'message'), 'Registered signal handlers for [TERM, HUP, INT]');
  assert.equal(strOf(p, 'logger', 4), 'Remoting', 'an undotted logger after a log4j time');
  assert.equal(strOf(p, 'message', 4), 'Starting remoting');
  assert.equal(strOf(p, 'level', 11), 'ERROR');
  assert.equal(strOf(p, 'thread'), undefined);
});

test('Spark: count by level and by logger equal awk', () => {
  const byLevel = awkCounts('{ print $3 }', 'spark.log');
  assert.deepEqual(sorted(siftCounts(['count by level', 'spark.log'], 'level')), sorted(byLevel));
  const byLogger = awkCounts('{ sub(/:$/, "", $4); print $4 }', 'spark.log');
  assert.deepEqual(sorted(siftCounts(['count by logger', 'spark.log'], 'logger')), sorted(byLogger));
});

test('Hadoop: the logger is filled (after a [thread] or none), not left in the message', () => {
  const p = parseText(resolveFormat('applog'), fixture('hadoop.log'));
  assert.deepEqual(p.malformed, []);
  assert.equal(strOf(p, 'thread'), 'main');
  assert.equal(strOf(p, 'logger'), 'org.apache.hadoop.mapreduce.v2.app.MRAppMaster');
  assert.equal(strOf(p, 'message'), 'Created MRAppMaster for application appattempt_1445144423722_0020_000001');
  assert.equal(numOf(p, 'time'), Date.UTC(2015, 9, 18, 18, 1, 47, 978));
  assert.equal(strOf(p, 'thread', 7), 'RMCommunicator Allocator');
  assert.equal(strOf(p, 'logger', 7), 'org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator');
  assert.equal(strOf(p, 'logger', 8), 'org.apache.hadoop.dfs.DataNode', 'no thread');
  assert.equal(strOf(p, 'logger', 9), 'org.apache.hadoop.dfs.DataNode$DataXceiver');
  // After an ISO time a logger must be a class name: a word of free text stays in the message.
  const free = parseText(resolveFormat('applog'), '2015-10-18 18:01:50,353 ERROR Failed: disk full');
  assert.equal(strOf(free, 'logger'), undefined);
  assert.equal(strOf(free, 'message'), 'Failed: disk full');
  const byLogger = awkCounts(
    '{ s = $0; sub(/^[^ ]+ [^ ]+ [A-Z]+ /, "", s); if (s ~ /^\\[/) sub(/^\\[[^]]*\\] /, "", s); sub(/: .*$/, "", s); print s }',
    'hadoop.log',
  );
  assert.deepEqual(sorted(siftCounts(['count by logger', 'hadoop.log'], 'logger')), sorted(byLogger));
});

test('Apache error log, 2.2 and 2.4: time, level, module, pid, tid, client, host, message', () => {
  const p = parseText(resolveFormat('apache_error'), fixture('apache_error.log'));
  assert.deepEqual(p.malformed, []);
  assert.deepEqual(valueOf(p, 'time'), new Instant(Date.UTC(2005, 11, 4, 4, 47, 44), 0));
  assert.equal(spanText(p, 'level'), 'notice');
  assert.equal(valueOf(p, 'module'), null);
  assert.equal(strOf(p, 'message'), 'workerEnv.init() ok /etc/httpd/conf/workers2.properties');
  assert.equal(strOf(p, 'client', 3), '81.199.21.119');
  assert.equal(strOf(p, 'host', 3), '81.199.21.119', '2.2 writes the address alone');
  assert.equal(strOf(p, 'message', 3), 'Directory index forbidden by rule: /var/www/html/');
  // 2.4
  assert.equal(numOf(p, 'time', 5), Date.UTC(2000, 9, 11, 14, 32, 52, 123));
  assert.equal(strOf(p, 'module', 5), 'core');
  assert.equal(strOf(p, 'level', 5), 'error');
  assert.equal(valueOf(p, 'pid', 5), 35708);
  assert.equal(valueOf(p, 'tid', 5), 4328636416);
  assert.equal(strOf(p, 'client', 5), '1.2.3.4:5');
  assert.equal(strOf(p, 'host', 5), '1.2.3.4');
  assert.match(strOf(p, 'message', 5)!, /^AH00124: Request exceeded/);
  assert.equal(strOf(p, 'host', 6), '::1', 'IPv6: the port is after the last colon');
  assert.equal(valueOf(p, 'client', 7), null);
  assert.equal(strOf(p, 'module', 7), 'mpm_event');
  assert.equal(strOf(p, 'client', 8), '10.0.0.2:8080', '[remote ...] is the client');
  assert.equal(valueOf(p, 'tid', 8), null);
  assert.equal(valueOf(p, 'module', 9), null, '[:error] has no module');
  assert.equal(strOf(p, 'level', 10), 'trace3');
  const bad = parseText(resolveFormat('apache_error'), '[Sun Dec 04 04:47:44 2005] [loud] message\n[Sun Dec 32 04:47:44 2005] [error] x');
  assert.deepEqual(bad.malformed, [0, 1], 'an unknown level and an impossible date');
});

test('Apache error log: count by level equals awk', () => {
  const expected = awkCounts('{ match($0, /\\] \\[[^]]*\\]/); l = substr($0, RSTART + 3, RLENGTH - 4); sub(/^[^:]*:/, "", l); print l }', 'apache_error.log');
  assert.deepEqual(sorted(siftCounts(['count by level', 'apache_error.log'], 'level')), sorted(expected));
  const r = runCli(['--csv', 'level == "error" and host == "1.2.3.4" | fields pid, tid', 'apache_error.log'], { cwd: FIXTURES });
  assert.equal(r.stdout, 'pid,tid\n35708,4328636416\n', r.stderr);
});

/** The syslog fixture copied with a chosen mtime: the year of its `Mmm dd` stamps comes from it. */
function syslogWithMtime(mtime: Date, run: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-syslog-'));
  try {
    const file = join(dir, 'syslog.log');
    copyFileSync(join(FIXTURES, 'syslog.log'), file);
    utimesSync(file, mtime, mtime);
    run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('syslog RFC 3164: the year is the mtime year, the one before for months after the mtime month', () => {
  syslogWithMtime(new Date(Date.UTC(2021, 0, 6, 12)), (file) => {
    const r = runCli(['--ndjson', 'fields time, host, app, pid', file]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(rows[0]!['time'], '2020-12-10T06:55:46Z', 'December before a January mtime: the year before');
    assert.equal(rows[4]!['time'], '2020-12-31T23:59:59Z');
    assert.equal(rows[5]!['time'], '2021-01-01T00:00:01Z');
    assert.deepEqual(rows[4], { time: '2020-12-31T23:59:59Z', host: 'combo', app: 'su(pam_unix)', pid: 21416 });
    assert.deepEqual(rows[6], { time: '2021-01-04T15:16:01Z', host: 'combo', app: 'kernel', pid: null });
    assert.equal(rows[9]!['time'], '2021-01-05T10:00:00.123+01:00', "rsyslog's RFC 3339 stamps keep their zone");
  });
  syslogWithMtime(new Date(Date.UTC(2019, 6, 1)), (file) => {
    const r = runCli(['--csv', 'fields time', file]);
    assert.deepEqual(r.stdout.split('\n').slice(1, 7), [
      '2018-12-10T06:55:46Z', '2018-12-10T06:55:46Z', '2018-12-10T06:55:48Z', '2018-12-10T07:02:47Z', '2018-12-31T23:59:59Z', '2019-01-01T00:00:01Z',
    ]);
  });
});

test('syslog RFC 3164: PRI, level, tag and pid, message; count by app equals awk', () => {
  const p = parseText(resolveFormat('syslog'), fixture('syslog.log'));
  assert.deepEqual(p.malformed, []);
  assert.equal(strOf(p, 'app'), 'sshd');
  assert.equal(valueOf(p, 'pid'), 24200);
  assert.equal(strOf(p, 'message', 1), 'Invalid user webmaster from 173.234.31.186');
  assert.equal(valueOf(p, 'level'), null, 'no PRI, no level');
  assert.equal(valueOf(p, 'priority', 7), 34);
  assert.equal(valueOf(p, 'facility', 7), 4);
  assert.equal(valueOf(p, 'severity', 7), 2);
  assert.equal(spanText(p, 'level', 7), 'crit');
  assert.equal(strOf(p, 'level', 8), 'notice');
  assert.equal(strOf(p, 'message', 7), "'su root' failed for lonvick on /dev/pts/8");
  // The tag is awk's $5 (`Mmm dd hh:mm:ss host tag...`), or $3 after rsyslog's one-token time.
  const expected = awkCounts('{ sub(/^<[0-9]+>/, ""); t = ($1 ~ /^[0-9][0-9][0-9][0-9]-/) ? $3 : $5; sub(/[\\[:].*$/, "", t); print t }', 'syslog.log');
  assert.deepEqual(sorted(siftCounts(['count by app', 'syslog.log'], 'app')), sorted(expected));
  assert.equal(runCli(['level == "crit" | count', '--csv', 'syslog.log'], { cwd: FIXTURES }).stdout, 'count\n1\n');
});

test('RFC 5424: header fields, NILVALUE as absent, structured data with escapes, BOM dropped', () => {
  const p = parseText(resolveFormat('rfc5424'), readFileSync(join(FIXTURES, 'rfc5424.log')));
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'priority'), 34);
  assert.equal(strOf(p, 'level'), 'crit');
  assert.equal(valueOf(p, 'version'), 1);
  assert.deepEqual(valueOf(p, 'time'), new Instant(Date.UTC(2003, 9, 11, 22, 14, 15, 3), 0));
  assert.equal(strOf(p, 'host'), 'mymachine.example.com');
  assert.equal(strOf(p, 'app'), 'su');
  assert.equal(valueOf(p, 'procid'), null);
  assert.equal(strOf(p, 'msgid'), 'ID47');
  assert.equal(valueOf(p, 'structured_data'), null);
  assert.equal(strOf(p, 'message'), "'su root' failed for lonvick on /dev/pts/8", 'the BOM is not part of the message');
  assert.deepEqual(valueOf(p, 'time', 1), new Instant(Date.UTC(2003, 7, 24, 12, 14, 15, 0), -420));
  assert.equal(strOf(p, 'procid', 1), '8710');
  assert.equal(valueOf(p, 'pid', 1), 8710);
  assert.equal(strOf(p, 'structured_data', 2), '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]');
  assert.equal(strOf(p, 'message', 2), 'An application event log entry');
  assert.equal(strOf(p, 'structured_data', 3), '[exampleSDID@32473 iut="3" eventSource="App\\]lication"][examplePriority@32473 class="high"]');
  assert.equal(strOf(p, 'message', 3), '');
  assert.equal(valueOf(p, 'time', 4), null);
  assert.equal(valueOf(p, 'host', 4), null);
  const bad = parseText(resolveFormat('rfc5424'), '<34>1 2003-10-11T22:14:15Z h a p m [unclosed x="1"\n<34>01 - - - - - -\n1 - - - - - -');
  assert.deepEqual(bad.malformed, [0, 1, 2]);
});
