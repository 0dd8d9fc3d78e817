/**
 * Helpers for the formats tests: build LineBatches from text, parse them, read fields, and find
 * the shared real-world logs (tests skip with a message when they are absent).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { LineBatch } from '../src/core/batch.js';
import type { Value } from '../src/core/value.js';
import type { LogFormat, RowParser } from '../src/core/format.js';

export const DATA_DIR = process.env.LOGSIFT_TEST_DATA ?? '/work/shared/data';

const TEST_SOURCE = Object.freeze({ name: 'test.log', path: null, size: null });

/** Splits text on "\n" (stripping a trailing "\r" as the engine does) into one batch. */
export function batchOf(text: string | Buffer): LineBatch {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  while (start < buf.length) {
    let nl = buf.indexOf(0x0a, start);
    if (nl < 0) nl = buf.length;
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) end--;
    starts.push(start);
    ends.push(end);
    start = nl + 1;
  }
  const n = starts.length;
  const batch = new LineBatch(
    TEST_SOURCE,
    buf,
    Int32Array.from(starts),
    Int32Array.from(ends),
    Uint32Array.from({ length: n }, (_, i) => i),
    1,
  );
  batch.count = batch.selCount = n;
  return batch;
}

export interface Parsed {
  batch: LineBatch;
  parser: RowParser;
  malformed: number[];
  /** Rows still selected after parse, in order. */
  rows: number[];
}

export function parseText(format: LogFormat, text: string | Buffer, needed: ReadonlySet<string> | null = null): Parsed {
  const batch = batchOf(text);
  const parser = format.parser(needed);
  const malformed: number[] = [];
  parser.parse(batch, (row) => malformed.push(row));
  return { batch, parser, malformed, rows: Array.from(batch.sel.subarray(0, batch.selCount)) };
}

/** Field `name` of row `row` as a Value (through a reader, as queries read it). */
export function valueOf(p: Parsed, name: string, row = 0): Value {
  const reader = p.parser.reader(name);
  if (!reader) throw new Error(`no reader for ${name}`);
  return reader.value(p.batch, row);
}

export function strOf(p: Parsed, name: string, row = 0): string | undefined {
  return p.parser.reader(name)?.str(p.batch, row);
}

export function numOf(p: Parsed, name: string, row = 0): number {
  const reader = p.parser.reader(name);
  return reader ? reader.num(p.batch, row) : NaN;
}

/** The field's text via span() (the zero-copy path), or undefined when the reader has no span. */
export function spanText(p: Parsed, name: string, row = 0): string | undefined {
  const reader = p.parser.reader(name);
  if (!reader?.span) return undefined;
  const out = new Int32Array(2);
  const bytes = reader.span(p.batch, row, out);
  if (!bytes) return undefined;
  // Usually the batch's buffer; a field named from a number (syslog's level) lies in its own.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', out[0], out[1]);
}

/** The content of a shared data file, or null (the caller skips) when it is absent. */
export function readData(relative: string): Buffer | null {
  const path = `${DATA_DIR}/${relative}`;
  if (!existsSync(path)) return null;
  const raw = readFileSync(path);
  return relative.endsWith('.gz') ? gunzipSync(raw) : raw;
}

export function skipMessage(relative: string): string {
  return `${DATA_DIR}/${relative} is absent (shared test data not installed)`;
}

/** Lines of a data file (CRLF stripped), or null when absent. */
export function dataLines(relative: string): string[] | null {
  const buf = readData(relative);
  if (!buf) return null;
  const lines = buf.toString('utf8').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** test/fixtures/ of the project (tests run from dist/test/). */
export const FIXTURES = new URL('../../test/fixtures/', import.meta.url).pathname;
