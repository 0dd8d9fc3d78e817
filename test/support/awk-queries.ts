import { awk, awkCounts, type AwkInput } from './shell.js';
import type { AccessFormat } from './reference.js';

/**
 * The suite's awk programs, one per question, written for each access-log layout:
 *
 * common (NASA, javagrok): split on spaces. After dropping a CRLF "\r", status and size are the
 *   last two fields, `$(NF-1)` and `$NF`, even when the request holds spaces or stray quotes.
 *   The host is $1, `[dd/Mon/yyyy:HH:MM:SS` is $4 and `zone]` is $5.
 *
 * combined (elastic, nginx_logs.txt, basjes): split on `"`. A well-formed line has seven fields:
 *   `host ident user [time] `, request, ` status size `, referer, ` `, agent, ''. Elastic line
 *   8899 lost its closing quote and has six, so `NF == 7` is the well-formedness test.
 *
 * Files are passed to awk separately, so a last line without "\n" is its own record and is never
 * glued to the next file's first line.
 */

const FS: Record<AccessFormat, string | undefined> = { common: undefined, combined: '"' };

/** Awk statements that set `status`, `size` and `host` for a well-formed line, or `next` past it. */
const FIELDS: Record<AccessFormat, string> = {
  common: 'sub(/\\r$/, ""); status = $(NF-1); size = $NF; host = $1',
  combined: 'if (NF != 7) next; split($3, a, " "); status = a[1]; size = a[2]; split($1, h, " "); host = h[1]',
};

function perLine(format: AccessFormat, body: string, end: string): string {
  return `{ ${FIELDS[format]}; ${body} } END { ${end} }`;
}

const PRINT_COUNTS = 'for (k in n) print k, n[k]';

export function awkStatusCounts(format: AccessFormat, files: AwkInput): Map<string, number> {
  return awkCounts(perLine(format, 'n[status]++', PRINT_COUNTS), files, FS[format]);
}

export function awkHostCounts(format: AccessFormat, files: AwkInput): Map<string, number> {
  return awkCounts(perLine(format, 'n[host]++', PRINT_COUNTS), files, FS[format]);
}

/** Sum of sizes with `-` as 0, printed as an integer (awk's doubles are exact below 2^53). */
export function awkSumBytes(format: AccessFormat, files: AwkInput): number {
  return Number(awk(perLine(format, 'if (size != "-") s += size', 'printf "%.0f\\n", s'), files, FS[format]));
}

/** Well-formed lines whose size exceeds `limit`. */
export function awkCountBytesOver(format: AccessFormat, files: AwkInput, limit: number): number {
  return Number(awk(perLine(format, `if (size != "-" && size + 0 > ${limit}) c++`, 'print c + 0'), files, FS[format]));
}

/** Well-formed lines. */
export function awkCountRecords(format: AccessFormat, files: AwkInput): number {
  return Number(awk(perLine(format, 'c++', 'print c + 0'), files, FS[format]));
}

/** 1-based numbers of the lines of a combined file that are not well-formed. */
export function awkCombinedMalformedLines(input: AwkInput): number[] {
  return awk('NF != 7 { print FNR }', input, '"').split('\n').filter(Boolean).map(Number);
}

/**
 * Well-formed lines whose status passes `statusTest` (an awk condition on `status`), counted by
 * the text of their hour and zone, e.g. `01/Jul/1995:00 -0400`.
 */
export function awkCountByHour(format: AccessFormat, files: AwkInput, statusTest: string): Map<string, number> {
  const time =
    format === 'common' ? 'hour = substr($4, 2, 14) " " substr($5, 1, 5)' : 'hour = substr(h[4], 2, 14) " " substr(h[5], 1, 5)';
  return awkCounts(perLine(format, `${time}; if (${statusTest}) n[hour]++`, PRINT_COUNTS), files, FS[format]);
}
