/**
 * Time literals in queries: the text of a string compared with a `time` field.
 *
 * Read with the byte-level grammar of log text (src/formats/time), through TimeLiteralParser:
 * - ISO-8601: `2015-05-17T10:00:00Z`, `2015-05-17T10:00:00.250+02:00`, `2015-05-17T10:00+0200`,
 *   a space instead of `T`, a comma for the dot, `2015-05-17 10:00:00 +0200` (one space, before
 *   a four-digit zone only), and date-only `2015-05-17` or `2015-05-17+02:00` (its midnight).
 * - CLF (access logs): `17/May/2015:10:00:00 +0000`, a one-digit day, `+00:00`, no zone.
 * No zone means UTC. A leap second `:60` is the next minute's first second, as in log text.
 * Not epoch numbers: `"1431856800"` is not a time here (it is in a JSON field).
 */
import { Instant } from '../core/value.js';
import { newTimeOut } from '../formats/time/civil.js';
import { TimeLiteralParser } from '../formats/time/time-text.js';

// One of each for the process: parsing is synchronous, and the parser's caches and scratch
// buffer make a literal (or a string bin() reads per row) cost no allocation but the Instant.
const parser = new TimeLiteralParser();
const out = newTimeOut();

/** The instant written in `text` (surrounding whitespace ignored), or null when it is not a time. */
export function parseInstant(text: string): Instant | null {
  return parser.parseText(text.trim(), out) ? new Instant(out.ms, out.offsetMinutes) : null;
}
