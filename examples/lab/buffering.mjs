// The lab's first draft: a log processor written the naive way. Every step builds a whole list
// before the next starts, so the whole file, every parsed record, the errors and the output lines
// are all in memory at once, near the end.
//
//   node examples/lab/buffering.mjs lab.log > errors.txt
//   npx logsift trace -- node examples/lab/buffering.mjs lab.log > errors.txt
import { readFileSync } from 'node:fs';

const LINE = /^(\S+) (\S+)\s+\[([^\]]*)\] (\S+) - (.*)$/;

/** List 1: every line of the file. */
function readLines(path) {
  return readFileSync(path, 'utf8').split('\n');
}

/** List 2: every line parsed into a record. */
function parseRecords(lines) {
  const records = [];
  for (const line of lines) {
    const m = LINE.exec(line);
    if (m) records.push({ time: m[1], level: m[2], thread: m[3], logger: m[4], message: m[5] });
  }
  return records;
}

/** List 3: the errors. */
function keepErrors(records) {
  const errors = [];
  for (const r of records) if (r.level === 'ERROR') errors.push(r);
  return errors;
}

/** List 4: the output lines. */
function formatErrors(errors) {
  const out = [];
  for (const e of errors) out.push(`${e.time} [${e.thread}] ${e.logger}: ${e.message}`);
  return out;
}

function main(path) {
  const lines = readLines(path);
  const records = parseRecords(lines);
  const errors = keepErrors(records);
  const output = formatErrors(errors);
  for (const line of output) process.stdout.write(line + '\n');
  // The counts keep every list alive to the end, as the local variables of a Python function are.
  process.stderr.write(`${lines.length} lines, ${records.length} records, ${errors.length} errors, ${output.length} printed\n`);
}

if (process.argv.length < 3) {
  process.stderr.write('usage: node examples/lab/buffering.mjs FILE\n');
  process.exit(2);
}
main(process.argv[2]);
