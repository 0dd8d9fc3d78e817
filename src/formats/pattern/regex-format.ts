import type { LineBatch } from '../../core/batch.js';
import { LINE_FIELD, type FieldReader, type FieldSpec, type FieldType, type LogFormat, type RowParser } from '../../core/format.js';
import { compileMatcher, RegexError, type CapturingMatcher } from '../../core/linear-regex.js';
import { decodeText, printable } from '../../core/text.js';
import { Instant, type Value } from '../../core/value.js';
import { numberFromText } from '../bytes.js';
import { LINE_READER, withLineField } from '../line-field.js';
import { newTimeOut } from '../time/civil.js';
import { LooseTimeParser } from '../time/time-text.js';
import { FormatPatternError } from './pattern-error.js';

export const REGEX_PREFIX = 'regex:';

/**
 * `regex:` formats: a regular expression with named groups, each group a field.
 *
 *   regex:^(?<time>\S+) (?<level>\w+) (?<message>.*)$
 *   regex:/^(?<host>\S+) .* (?<status>\d{3})$/i          (with flags: between slashes)
 *
 * The expression runs in linear time whatever it is (core/linear-regex.ts: the engine `matches`
 * uses; backreferences and lookaround are refused). A line it does not match is malformed. A
 * group named `time` is read as a time (ISO-8601, CLF or epoch, as JSON times are); the others
 * are typed `any`, like JSON's keys: their text, compared as numbers where it is one. Groups are
 * the regex engine's strings, so these readers have no span(): a pattern: format is faster when
 * a layout can be written as one.
 */
export class RegexFormat implements LogFormat {
  readonly fields: readonly FieldSpec[];
  readonly matcher: CapturingMatcher;
  /** Field name -> group number. */
  readonly groups = new Map<string, number>();

  /** As shown in messages: one line, whatever was typed. */
  readonly name: string;

  constructor(spec: string) {
    this.name = printable(spec);
    const name = spec;
    const body = spec.slice(REGEX_PREFIX.length);
    const delimited = /^\/(.*)\/([a-z]*)$/s.exec(body);
    const [source, flags, at] = delimited ? [delimited[1]!, delimited[2]!, REGEX_PREFIX.length + 1] : [body, '', REGEX_PREFIX.length];
    try {
      this.matcher = compileMatcher(source, flags);
    } catch (error) {
      if (error instanceof RegexError) throw new FormatPatternError(name, at, error.message);
      throw error;
    }
    this.matcher.groupNames.forEach((group, k) => {
      if (group !== null) this.groups.set(group, k);
    });
    if (this.groups.size === 0) throw new FormatPatternError(name, at, 'the expression needs named groups, (?<name>...): each is a field');
    this.fields = withLineField([...this.groups.keys()].map((group) => ({ name: group, type: (group === 'time' ? 'time' : 'any') as FieldType })));
  }

  parser(): RowParser {
    return new RegexParser(this);
  }
}

type Match = ArrayLike<string | undefined>;

class RegexParser implements RowParser {
  private readonly matches: (Match | null)[] = [];

  constructor(readonly format: RegexFormat) {}

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const { buf, starts, ends, sel } = b;
    const matches = this.matches;
    const matcher = this.format.matcher;
    let kept = 0;
    for (let k = 0; k < b.selCount; k++) {
      const row = sel[k]!;
      const m = matcher.exec(decodeText(buf, starts[row]!, ends[row]!));
      matches[row] = m;
      if (m !== null) sel[kept++] = row;
      else onMalformed(row);
    }
    b.selCount = kept;
    b.parsed = matches;
    b.parser = this;
  }

  reader(field: string): FieldReader | undefined {
    if (field === LINE_FIELD.name) return LINE_READER;
    const group = this.format.groups.get(field);
    if (group === undefined) return undefined;
    return field === 'time' ? new GroupTimeReader(group) : new GroupReader(field, group);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const field of this.format.groups.keys()) out[field] = this.reader(field)!.value(b, row);
    return out;
  }
}

function groupText(b: LineBatch, row: number, group: number): string | undefined {
  return (b.parsed as (Match | null)[])[row]?.[group];
}

class GroupReader implements FieldReader {
  readonly type: FieldType = 'any';

  constructor(
    readonly name: string,
    private readonly group: number,
  ) {}

  str(b: LineBatch, row: number): string | undefined {
    return groupText(b, row, this.group);
  }

  num(b: LineBatch, row: number): number {
    const text = groupText(b, row, this.group);
    return text === undefined ? NaN : numberFromText(text);
  }

  value(b: LineBatch, row: number): Value {
    return groupText(b, row, this.group) ?? null;
  }
}

class GroupTimeReader implements FieldReader {
  readonly name = 'time';
  readonly type: FieldType = 'time';
  private readonly parser = new LooseTimeParser();
  private readonly out = newTimeOut();

  constructor(private readonly group: number) {}

  str(b: LineBatch, row: number): string | undefined {
    return groupText(b, row, this.group);
  }

  num(b: LineBatch, row: number): number {
    const text = groupText(b, row, this.group);
    return text !== undefined && this.parser.parseText(text, this.out) ? this.out.ms : NaN;
  }

  value(b: LineBatch, row: number): Value {
    const text = groupText(b, row, this.group);
    return text !== undefined && this.parser.parseText(text, this.out) ? new Instant(this.out.ms, this.out.offsetMinutes) : null;
  }
}
