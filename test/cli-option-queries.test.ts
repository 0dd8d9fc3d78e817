import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from './support/cli.js';
import { withTempDir } from './support/temp-dir.js';

const LINE = '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" 200 2326 "-" "x"\n';

test('a query error in -e or --alert quotes that query with the caret under it, never the path', () => {
  const { dir, done } = withTempDir('option-queries');
  try {
    const log = join(dir, 'access.log');
    writeFileSync(log, LINE);
    const cases: [string[], RegExp][] = [
      // A syntax error, found before any output file is opened.
      [['-e', 'count by', '-e', 'count', log], /^logsift: -e 'count by': query error: expected a field name after 'by'\n {4}count by\n {12}\^\n$/],
      // A field the format lacks, found once the format is known.
      [['-e', 'count by nosuch', '-e', 'count', log], /^logsift: -e 'count by nosuch': query error: unknown field 'nosuch' .*\n {4}count by nosuch\n {13}\^\n$/],
      [['follow', '--alert', 'count by', log], /^logsift: --alert 'count by': query error: expected a field name after 'by'\n {4}count by\n {12}\^\n$/],
    ];
    for (const [args, expected] of cases) {
      const r = runCli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, expected, args.join(' '));
      assert.doesNotMatch(r.stderr, /give the query first/, 'no hint about reading the path as a file');
    }
  } finally {
    done();
  }
});
