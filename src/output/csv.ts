import type { Row, RowSchema } from '../core/row.js';
import { Instant, type Value } from '../core/value.js';
import { BufferedOut, type TextOut } from './buffered-out.js';
import type { RowWriter } from './writer.js';

/**
 * CSV as RFC 4180 describes it, with one deliberate difference: lines end with LF, not CRLF,
 * because the output is mostly piped into Unix tools (and every CSV reader accepts LF).
 * A header row of column names comes first. Fields containing a comma, a double quote, CR or LF
 * are quoted, with quotes doubled. Null is an empty field; Instants are ISO-8601 with their
 * offset; bigints are their exact digits.
 */
export function csvWriter(schema: RowSchema, out: TextOut): RowWriter {
  const buffered = new BufferedOut(out);
  buffered.write(schema.columns.map(csvField).join(',') + '\n');
  const width = schema.columns.length;
  return {
    row(r: Row): void {
      let line = '';
      for (let i = 0; i < width; i++) line += (i === 0 ? '' : ',') + csvField(csvText(r[i] ?? null));
      buffered.write(line + '\n');
    },
    end: () => buffered.flush(),
    flush: () => buffered.flush(),
  };
}

function csvText(v: Value): string {
  if (v === null) return '';
  if (v instanceof Instant) return v.toString();
  return String(v);
}

/** The field as written: quoted (quotes doubled) when it holds a comma, a quote, CR or LF. */
export function csvField(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0x22 || c === 0x0d || c === 0x0a) return '"' + text.replaceAll('"', '""') + '"';
  }
  return text;
}
