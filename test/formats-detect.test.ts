import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat } from '../src/formats/detect.js';
import { dataLines, skipMessage } from './formats-helpers.js';

const COMMON = '199.72.81.55 - - [01/Jul/1995:00:00:01 -0400] "GET /history/apollo/ HTTP/1.0" 200 6245';
const COMBINED = '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"';
const VHOST = 'www.example.com:80 1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"';

test('detection on hand-written samples', () => {
  assert.equal(detectFormat([COMMON, COMMON])?.name, 'common');
  assert.equal(detectFormat([COMBINED])?.name, 'combined');
  assert.equal(detectFormat([VHOST])?.name, 'vhost_combined');
  assert.equal(detectFormat(['{"a":1}', '{"b":2}'])?.name, 'json');
  assert.equal(detectFormat(['level=info msg=hi', 'level=warn msg="a b"'])?.name, 'logfmt');
  assert.equal(detectFormat(['2024-01-02T03:04:05Z INFO user=bob logged in'])?.name, 'applog');
  assert.equal(detectFormat(['2024-01-02 03:04:05,678 ERROR [main] a.B - x'])?.name, 'applog');
});

test('detection: most lines wins; ties go to the more specific format; empty lines ignored', () => {
  assert.equal(detectFormat([COMMON, COMBINED, COMBINED, '', ''])?.name, 'combined');
  assert.equal(detectFormat([COMMON, COMMON, COMBINED])?.name, 'common');
  assert.equal(detectFormat([COMMON, COMBINED])?.name, 'combined', 'a tie goes to combined');
  assert.equal(detectFormat([COMBINED + '\r'])?.name, 'combined', 'a trailing CR is ignored');
});

test('detection: null when nothing parses at least half the lines', () => {
  assert.equal(detectFormat([]), null);
  assert.equal(detectFormat(['', '  ']), null);
  assert.equal(detectFormat(['hello world', 'plain text', COMMON]), null);
  assert.equal(detectFormat(['hello', COMMON])?.name, 'common', 'exactly half is enough');
});

test('detection looks at the first 20 non-empty lines only', () => {
  const sample = [...Array(20).fill(COMMON), ...Array(30).fill(COMBINED)];
  assert.equal(detectFormat(sample)?.name, 'common');
});

const EXPECTED: Record<string, string> = {
  'nasa-jul95/xaa': 'common',
  'nasa-jul95/xaj': 'common',
  'javagrok/access_log': 'common',
  'elastic-apache/apache_logs': 'combined',
  'nginx-elastic/nginx_logs.txt': 'combined',
  'basjes/hackers-access.log': 'combined',
  'basjes/access_log.gz': 'combined',
  'nginx-elastic/nginx.log': 'json',
};

for (const [file, expected] of Object.entries(EXPECTED)) {
  test(`detection on ${file} picks ${expected}`, (t) => {
    const lines = dataLines(file);
    if (!lines) return t.skip(skipMessage(file));
    assert.equal(detectFormat(lines.slice(0, 20))?.name, expected);
  });
}
