/**
 * The one-pass ForwardMatcher against the backtracking AccessMatcher it stands in for: whenever
 * the forward pass accepts a line, the backtracking matcher must accept it with the same spans
 * and values, so that parse() gives the same answers whichever of the two decided.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileApacheFormat } from '../src/formats/access/apache-format.js';
import { ForwardMatcher } from '../src/formats/access/forward-matcher.js';
import { WRITE_NUM, WRITE_SPAN, forwardMatchSource } from '../src/formats/access/forward-source.js';
import { AccessMatcher } from '../src/formats/access/matcher.js';
import { compileNginxFormat } from '../src/formats/access/nginx-format.js';
import type { Template } from '../src/formats/access/template.js';
import { resolveFormat } from '../src/formats/registry.js';
import { dataLines, parseText, valueOf } from './formats-helpers.js';

const COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"';
const GOOD =
  '83.149.9.216 - frank [17/May/2015:10:05:03 +0000] "GET /kibana.png?x=1 HTTP/1.1" 200 203023 ' +
  '"http://semicomplete.com/" "Mozilla/5.0 (Macintosh) Chrome/32.0"';

interface Outcome {
  forward: boolean;
  backtracking: boolean;
}

/** Matches every line with both matchers and asserts that a forward match is the backtracking one. */
function compare(template: Template, lines: readonly string[]): Outcome[] {
  const n = template.fields.length;
  const all = new Uint8Array(n).fill(WRITE_SPAN | WRITE_NUM);
  const forward = new ForwardMatcher(template, all);
  const backtracking = new AccessMatcher(template);
  assert.ok(forward.usable, 'the template has a forward pass');
  const buf = Buffer.from(lines.join('\n'), 'latin1');
  forward.beginBatch();
  backtracking.beginBatch();
  const outcomes: Outcome[] = [];
  let s = 0;
  for (const line of lines) {
    const e = s + Buffer.byteLength(line, 'latin1');
    const spansF = new Int32Array(2 * n).fill(-9);
    const spansB = new Int32Array(2 * n).fill(-9);
    const numsF = new Float64Array(n);
    const numsB = new Float64Array(n);
    const offsets = new Int16Array(n);
    const f = forward.match(buf, s, e, spansF, 0, numsF, offsets, 0);
    const b = backtracking.match(buf, s, e, spansB, 0, numsB, offsets, 0);
    if (f) {
      assert.ok(b, `backtracking accepts what forward accepts: ${line}`);
      assert.deepEqual(Array.from(spansF), Array.from(spansB), `same spans: ${line}`);
      template.fields.forEach((field, i) => {
        if (field.type === 'number') assert.ok(Object.is(numsF[i], numsB[i]), `same ${field.name}: ${line}`);
      });
    }
    outcomes.push({ forward: f, backtracking: b });
    s = e + 1;
  }
  return outcomes;
}

test('forward pass: plain lines are decided in one pass, tricky ones are left to backtracking', () => {
  const lines = [
    GOOD,
    // The first `" ` inside the request is not its end: a status must follow.
    'frank.mtsu.edu - - [03/Jul/1995:02:41:15 -0400] "GET /images/" HTTP/1.0" 404 - "-" "-"',
    // `" "` inside the referer ends it (the agent, last, takes the rest): the first candidates work.
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "a" "b" "curl"',
    // Escaped quotes are never ends.
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /\\" HTTP/1.1" 200 5 "-" "say \\"hi\\""',
    // Truncated inside the user agent, bad time, bad status, garbage.
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (compat',
    '1.2.3.4 - - [31/Feb/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "curl"',
    '1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 2x0 5 "-" "curl"',
    'garbage',
    '',
  ];
  const outcomes = compare(compileApacheFormat(COMBINED), lines);
  assert.deepEqual(
    outcomes.map((o) => [o.forward, o.backtracking]),
    [
      [true, true],
      [false, true],
      [true, true],
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
      [false, false],
    ],
  );
});

/** A small deterministic PRNG, so that the mutations are the same on every run. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
}

function mutations(seeds: readonly string[], count: number): string[] {
  const rnd = random(7);
  const bytes = '"\\ []-?09:/aZ\t+.';
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let line = seeds[rnd(seeds.length)];
    for (let j = rnd(3); j >= 0; j--) {
      const at = rnd(line.length + 1);
      const choice = rnd(5);
      if (choice === 0) line = line.slice(0, at) + bytes[rnd(bytes.length)] + line.slice(at);
      else if (choice === 1) line = line.slice(0, at) + line.slice(at + 1);
      else if (choice === 2) line = line.slice(0, at);
      else if (choice === 3) line = line.slice(0, at) + '" "' + line.slice(at);
      else line = line.slice(0, at) + bytes[rnd(bytes.length)] + line.slice(at + 1);
    }
    out.push(line);
  }
  return out;
}

test('forward pass: on mutated lines it never disagrees with backtracking', () => {
  const seeds = [
    GOOD,
    '::1 - - [20/May/2015:21:05:15 +0000] "OPTIONS * HTTP/1.0" 200 - "-" "Apache (internal dummy connection)"',
    'unicomp6.unicomp.net - - [01/Jul/1995:00:00:06 -0400] "GET /wais.pl?orbit sts71 HTTP/1.0" 200 3985 "-" "-"',
  ];
  const lines = mutations(seeds, 3000);
  const outcomes = compare(compileApacheFormat(COMBINED), lines);
  const decided = outcomes.filter((o) => o.forward).length;
  const accepted = outcomes.filter((o) => o.backtracking).length;
  assert.ok(decided > 100 && decided <= accepted, `forward decided ${decided} of ${accepted} accepted lines`);
  assert.ok(accepted < lines.length, 'some mutated lines are malformed');
});

test('forward pass: other shapes (nginx with times and upstream lists, tokens before colons)', () => {
  const nginx = compileNginxFormat(
    '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent $request_time $upstream_response_time',
  );
  const nginxLines = [
    '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 612 0.005 0.004',
    '10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 502 0 1.5 0.010, 0.004 : 0.002',
    '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 612 - -',
  ];
  assert.ok(compare(nginx, nginxLines).every((o) => o.forward && o.backtracking));
  assert.ok(compare(nginx, mutations(nginxLines, 1500)).some((o) => !o.backtracking));

  const vhost = compileApacheFormat('%v:%p %h %l %u %t "%r" %>s %O %{ms}T');
  const vhostLines = ['www.example.com:443 10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 12'];
  assert.ok(compare(vhost, vhostLines).every((o) => o.forward && o.backtracking));
  compare(vhost, mutations(vhostLines, 1500));
});

test('forward pass: shapes it leaves to the backtracking matcher', () => {
  const source = (template: Template): string | null => forwardMatchSource(template, new Uint8Array(template.fields.length));
  assert.equal(source(compileApacheFormat('%h "%m %U%q %H" %>s')), null, '%U%q: no literal between two fields');
  assert.equal(source(compileNginxFormat('$remote_addr $time_local-$status')), null, 'a CLF time followed by a sign');
  assert.notEqual(source(compileApacheFormat(COMBINED)), null);
  // Such formats still parse, through the backtracking matcher.
  const p = parseText(resolveFormat('%h "%m %U%q %H" %>s'), '1.2.3.4 "GET /a?b=1 HTTP/1.1" 200');
  assert.deepEqual(p.malformed, []);
  assert.equal(valueOf(p, 'query'), 'b=1');
});

test('forward pass: every line of the shared real logs agrees with backtracking', (t) => {
  const files: [string, string][] = [
    ['elastic-apache/apache_logs', '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"'],
    ['nasa-jul95/xaa', '%h %l %u %t "%r" %>s %b'],
    ['basjes/hackers-access.log', COMBINED],
  ];
  for (const [file, format] of files) {
    const lines = dataLines(file);
    if (!lines) {
      t.skip(`${file} is absent (shared test data not installed)`);
      continue;
    }
    const outcomes = compare(compileApacheFormat(format), lines);
    assert.ok(outcomes.filter((o) => o.forward).length > lines.length * 0.9, `${file}: most lines in one pass`);
  }
});
