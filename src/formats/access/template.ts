import { UsageError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import type { FieldType } from '../../core/format.js';
import type { StrftimeScanner } from '../time/strftime.js';

/**
 * The compiled shape of an access-log line: literal text and fields alternating,
 * `literals[0] fields[0] literals[1] fields[1] ... fields[n-1] literals[n]`. Both the Apache
 * LogFormat compiler and the nginx log_format compiler produce one; a single byte-level matcher
 * (matcher.ts) runs it.
 */
export interface Template {
  /** The format string it was compiled from. */
  readonly source: string;
  /** n + 1 literals (any may be empty except between two fields). */
  readonly literals: readonly Buffer[];
  readonly fields: readonly TemplateField[];
}

/**
 * How a field's end is found and what it may contain.
 * - token: no spaces; ends at the next literal.
 * - text: anything; ends at an occurrence of the next literal after which the rest of the line
 *   still matches (the matcher backtracks), so stray quotes inside a quoted field survive.
 * - int: digits. size: digits or `-` (= 0). decimal: digits with an optional fraction, or `-`
 *   (= absent). numlist: text whose value is the sum of the numbers in it (nginx upstream times
 *   such as `0.010, 0.004 : 0.002`).
 * - clf_time / iso_time / strftime_time / epoch_time: times, see time/*.ts.
 */
export type ScanKind =
  | 'token'
  | 'text'
  | 'int'
  | 'size'
  | 'decimal'
  | 'numlist'
  | 'clf_time'
  | 'iso_time'
  | 'strftime_time'
  | 'epoch_time';

export interface TemplateField {
  readonly name: string;
  /** Other names the field answers to (e.g. nginx variable names: `remote_addr` for `host`). */
  readonly aliases: readonly string[];
  readonly scan: ScanKind;
  readonly type: FieldType;
  /** The directive as written (`%>s`, `$status`), for messages. */
  readonly directive: string;
  /** epoch_time: milliseconds per unit written. */
  readonly epochScale?: number;
  /** strftime_time: the compiled pattern. */
  readonly strftime?: StrftimeScanner;
  /** Apache `%q` writes `?a=b`: the field's value starts after the `?`. */
  readonly stripQuestion?: boolean;
}

/** A field as a compiler first describes it, before names and quoting are settled. */
export interface FieldItem {
  readonly kind: 'field';
  readonly directive: string;
  /** Preferred name. */
  name: string;
  /** Take this canonical name instead when no other field of the format has it (%a -> host). */
  readonly promoteTo?: string;
  aliases: string[];
  readonly scan: ScanKind;
  readonly epochScale?: number;
  readonly strftime?: StrftimeScanner;
  readonly stripQuestion?: boolean;
}

export type TemplateItem = { readonly kind: 'literal'; readonly text: string } | FieldItem;

export function typeOfScan(scan: ScanKind): FieldType {
  switch (scan) {
    case 'token':
    case 'text':
      return 'string';
    case 'int':
    case 'size':
    case 'decimal':
    case 'numlist':
      return 'number';
    default:
      return 'time';
  }
}

/**
 * Turns a compiler's items into a Template: merges adjacent literals, settles names (promotion
 * to canonical names; a repeat takes its alias, else a `_2`, `_3` suffix), widens a token written between
 * double quotes to text (quotes are there because the value may hold spaces), and rejects two
 * fields with nothing between them, which no byte scan could split.
 */
export function buildTemplate(source: string, items: readonly TemplateItem[], what: string): Template {
  const literals: string[] = [''];
  const fieldItems: FieldItem[] = [];
  for (const item of items) {
    if (item.kind === 'literal') {
      literals[literals.length - 1] += item.text;
      continue;
    }
    // `%U%q` is the one idiom with no text between fields: a query starts with its own `?`.
    if (fieldItems.length > 0 && literals[literals.length - 1] === '' && !item.stripQuestion) {
      const previous = fieldItems[fieldItems.length - 1].directive;
      throw new UsageError(
        `bad ${what} "${printable(source)}": ${previous} and ${item.directive} need literal text between them`,
      );
    }
    fieldItems.push(item);
    literals.push('');
  }
  if (fieldItems.length === 0) throw new UsageError(`bad ${what} "${printable(source)}": it has no fields`);

  settleNames(fieldItems);

  const fields: TemplateField[] = fieldItems.map((item, i) => {
    const quoted = literals[i].endsWith('"') && literals[i + 1].startsWith('"');
    const scan: ScanKind = item.scan === 'token' && quoted ? 'text' : item.scan;
    return {
      name: item.name,
      aliases: item.aliases,
      scan,
      type: typeOfScan(scan),
      directive: item.directive,
      epochScale: item.epochScale,
      strftime: item.strftime,
      stripQuestion: item.stripQuestion,
    };
  });
  return { source, literals: literals.map((text) => Buffer.from(text, 'utf8')), fields };
}

function settleNames(items: FieldItem[]): void {
  for (const item of items) {
    const target = item.promoteTo;
    if (target && !items.some((other) => other.name === target)) {
      item.aliases.push(item.name);
      item.name = target;
    }
  }
  // A repeated name falls back to the field's own alias (nginx: the variable's name), else `_2`...
  const seen = new Map<string, number>();
  const taken = new Set(items.map((item) => item.name));
  for (const item of items) {
    const count = (seen.get(item.name) ?? 0) + 1;
    seen.set(item.name, count);
    if (count === 1) continue;
    const own = item.aliases.find((alias) => !taken.has(alias));
    item.name = own ?? `${item.name}_${count}`;
    item.aliases = item.aliases.filter((alias) => alias !== item.name);
    taken.add(item.name);
  }
}
