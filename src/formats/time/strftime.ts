import { UsageError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { isDigit } from '../bytes.js';
import { isRepresentableMs, daysFromCivil, monthFromAbbrev, validDateTime, type TimeOut } from './civil.js';

/**
 * A scanner for times written with a strftime pattern, for Apache's `%{pattern}t`. The pattern
 * is compiled once into steps; scanning consumes exactly the bytes the pattern produces, so the
 * time's end is known without searching for the next literal.
 *
 * Supported: %Y %y %m %d %e %H %I %M %S %f %p %b %h %B %a %A %z %Z %T %D %F %R %s %j %n %t %%.
 * `%f` is a fraction of a second of any number of digits (`,678`, `.123456`: the `.` or `,` is
 * the pattern's), kept to the millisecond.
 * A pattern without a zone (%z, %Z UTC/GMT, %s) is read as UTC, as everywhere in logsift.
 */
type Step =
  | { kind: 'literal'; byte: number }
  | { kind: 'number'; field: NumberField; min: number; max: number; padSpace: boolean }
  | { kind: 'monthName' }
  | { kind: 'letters' }
  | { kind: 'ampm' }
  | { kind: 'zone' }
  | { kind: 'zoneName' }
  | { kind: 'epoch' }
  | { kind: 'fraction' }
  | { kind: 'space' };

type NumberField = 'year' | 'year2' | 'month' | 'day' | 'hour' | 'hour12' | 'minute' | 'second' | 'yday';

const EXPANSIONS: Record<string, string> = { T: '%H:%M:%S', D: '%m/%d/%y', F: '%Y-%m-%d', R: '%H:%M' };

function numberStep(field: NumberField, min: number, max: number, padSpace = false): Step {
  return { kind: 'number', field, min, max, padSpace };
}

export function compileStrftime(pattern: string): StrftimeScanner {
  const steps: Step[] = [];
  const expand = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '%') {
        if (ch === ' ') steps.push({ kind: 'space' });
        else steps.push({ kind: 'literal', byte: ch.charCodeAt(0) & 0xff });
        continue;
      }
      const d = text[++i];
      if (d === undefined) throw new UsageError(`bad time pattern "${printable(pattern)}": ends with "%"`);
      if (Object.hasOwn(EXPANSIONS, d)) {
        expand(EXPANSIONS[d]);
        continue;
      }
      switch (d) {
        case 'Y': steps.push(numberStep('year', 4, 4)); break;
        case 'y': steps.push(numberStep('year2', 2, 2)); break;
        case 'm': steps.push(numberStep('month', 1, 2)); break;
        case 'd': steps.push(numberStep('day', 1, 2)); break;
        case 'e': steps.push(numberStep('day', 1, 2, true)); break;
        case 'H': steps.push(numberStep('hour', 1, 2)); break;
        case 'I': steps.push(numberStep('hour12', 1, 2)); break;
        case 'M': steps.push(numberStep('minute', 1, 2)); break;
        case 'S': steps.push(numberStep('second', 1, 2)); break;
        case 'j': steps.push(numberStep('yday', 1, 3)); break;
        case 'b': case 'h': case 'B': steps.push({ kind: 'monthName' }); break;
        case 'a': case 'A': steps.push({ kind: 'letters' }); break;
        case 'p': steps.push({ kind: 'ampm' }); break;
        case 'z': steps.push({ kind: 'zone' }); break;
        case 'Z': steps.push({ kind: 'zoneName' }); break;
        case 's': steps.push({ kind: 'epoch' }); break;
        case 'f': steps.push({ kind: 'fraction' }); break;
        case 'n': case 't': steps.push({ kind: 'space' }); break;
        case '%': steps.push({ kind: 'literal', byte: 0x25 }); break;
        default:
          throw new UsageError(`bad time pattern "${printable(pattern)}": unknown conversion "%${printable(d)}"`);
      }
    }
  };
  expand(pattern);
  return new StrftimeScanner(steps);
}

export class StrftimeScanner {
  constructor(private readonly steps: readonly Step[]) {}

  /** Scans a time at buf[start..limit); writes out and returns its end, or -1. */
  scan(buf: Buffer, start: number, limit: number, out: TimeOut): number {
    let year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, yday = 0;
    let pm = -1;
    let offset = 0;
    let epoch = NaN;
    let fraction = 0;
    let p = start;
    for (const step of this.steps) {
      switch (step.kind) {
        case 'literal':
          if (p >= limit || buf[p] !== step.byte) return -1;
          p++;
          break;
        case 'space':
          if (p >= limit || (buf[p] !== 0x20 && buf[p] !== 0x09)) return -1;
          while (p < limit && (buf[p] === 0x20 || buf[p] === 0x09)) p++;
          break;
        case 'number': {
          if (step.padSpace && p < limit && buf[p] === 0x20) p++;
          let value = 0;
          const digitsStart = p;
          while (p < limit && p - digitsStart < step.max && isDigit(buf[p])) value = value * 10 + (buf[p++] - 0x30);
          if (p - digitsStart < step.min) return -1;
          switch (step.field) {
            case 'year': year = value; break;
            case 'year2': year = value < 69 ? 2000 + value : 1900 + value; break;
            case 'month': month = value; break;
            case 'day': day = value; break;
            case 'hour': hour = value; break;
            case 'hour12': hour = value % 12; break;
            case 'minute': minute = value; break;
            case 'second': second = value; break;
            case 'yday': yday = value; break;
          }
          break;
        }
        case 'monthName': {
          if (p + 3 > limit) return -1;
          month = monthFromAbbrev(buf, p);
          if (month === 0) return -1;
          p = skipLetters(buf, p, limit);
          break;
        }
        case 'letters': {
          const end = skipLetters(buf, p, limit);
          if (end === p) return -1;
          p = end;
          break;
        }
        case 'ampm': {
          if (p + 2 > limit || (buf[p + 1] | 0x20) !== 0x6d) return -1;
          const c = buf[p] | 0x20;
          if (c !== 0x61 && c !== 0x70) return -1;
          pm = c === 0x70 ? 1 : 0;
          p += 2;
          break;
        }
        case 'zone': {
          const sign = buf[p];
          if (p < limit && (buf[p] === 0x5a || buf[p] === 0x7a)) {
            p++;
            break;
          }
          if (p + 5 > limit || (sign !== 0x2b && sign !== 0x2d)) return -1;
          let q = p + 1;
          const h = digits2(buf, q);
          q += 2;
          if (buf[q] === 0x3a) q++;
          const m = digits2(buf, q);
          if (h < 0 || m < 0 || h > 23 || m > 59 || q + 2 > limit) return -1;
          offset = (sign === 0x2d ? -1 : 1) * (h * 60 + m);
          p = q + 2;
          break;
        }
        case 'zoneName': {
          const end = skipLetters(buf, p, limit);
          if (end === p) return -1;
          p = end;
          break;
        }
        case 'fraction': {
          const digitsStart = p;
          let scale = 1;
          let value = 0;
          while (p < limit && isDigit(buf[p])) {
            if (scale < 1e9) {
              value = value * 10 + (buf[p] - 0x30);
              scale *= 10;
            }
            p++;
          }
          if (p === digitsStart) return -1;
          fraction = value / scale;
          break;
        }
        case 'epoch': {
          const digitsStart = p;
          let value = 0;
          while (p < limit && isDigit(buf[p])) value = value * 10 + (buf[p++] - 0x30);
          if (p === digitsStart) return -1;
          epoch = value * 1000;
          break;
        }
      }
    }
    if (epoch === epoch) {
      if (!isRepresentableMs(epoch)) return -1;
      out.ms = epoch;
      out.offsetMinutes = 0;
      return p;
    }
    if (pm === 1) hour += 12;
    let days: number;
    if (yday > 0) {
      days = daysFromCivil(year, 1, 1) + yday - 1;
    } else {
      if (!validDateTime(year, month, day, hour, minute, second)) return -1;
      days = daysFromCivil(year, month, day);
    }
    out.ms = days * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + Math.round(fraction * 1000) - offset * 60_000;
    out.offsetMinutes = offset;
    return p;
  }
}

function digits2(buf: Buffer, p: number): number {
  const a = buf[p] - 0x30;
  const b = buf[p + 1] - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function skipLetters(buf: Buffer, p: number, limit: number): number {
  while (p < limit && (buf[p] | 0x20) >= 0x61 && (buf[p] | 0x20) <= 0x7a) p++;
  return p;
}
