import { UserError } from '../../core/errors.js';
import { buildTemplate, type FieldItem, type ScanKind, type Template, type TemplateItem } from '../access/template.js';
import { compileStrftime, type StrftimeScanner } from '../time/strftime.js';
import { javaToStrftime } from './java-time.js';
import { FormatPatternError } from './pattern-error.js';

export const PATTERN_PREFIX = 'pattern:';

/**
 * `pattern:` formats, for line layouts no built-in format knows, in the manner of grok and
 * angle-grinder's `parse`: literal text with named captures between.
 *
 *   pattern:%{time:yy/MM/dd HH:mm:ss} %{level} %{logger}: %{message}
 *
 * - `%{name}`: any text, as little as lets the rest of the line match (the matcher backtracks,
 *   like `.*?`); the last capture takes the rest of the line.
 * - `%{name:word}` no spaces; `%{name:int}` digits; `%{name:number}` digits with a fraction, or
 *   `-` (absent); `%{name:text}` the same as `%{name}`.
 * - `%{name:LAYOUT}`: a time, in a strftime (`%Y-%m-%d %H:%M:%S`) or Java (`yyyy-MM-dd
 *   HH:mm:ss,SSS`) layout; `%{time}` alone is an ISO-8601 time. No zone in the layout: UTC.
 * - `%%` is a literal `%`. Two captures need literal text between them.
 *
 * It compiles to the Template the access-log formats use (access/template.ts), so it runs on
 * the same byte-level matchers, with projection pushdown and span() reads, compiled once.
 */
export function compilePattern(spec: string): Template {
  const body = spec.slice(PATTERN_PREFIX.length);
  const base = PATTERN_PREFIX.length;
  const items: TemplateItem[] = [];
  const names = new Set<string>();
  let literal = '';
  let lastWasCapture = false;
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c !== '%') {
      literal += c;
      lastWasCapture = false;
      i++;
      continue;
    }
    if (body[i + 1] === '%') {
      literal += '%';
      lastWasCapture = false;
      i += 2;
      continue;
    }
    if (body[i + 1] !== '{') throw new FormatPatternError(spec, base + i, 'a "%" starts a capture "%{name}" (write "%%" for a literal "%")');
    const close = body.indexOf('}', i + 2);
    if (close < 0) throw new FormatPatternError(spec, base + i, '"%{" is not closed by "}"');
    if (lastWasCapture) throw new FormatPatternError(spec, base + i, 'two captures need literal text between them');
    const inner = body.slice(i + 2, close);
    if (inner.includes('%{')) throw new FormatPatternError(spec, base + i, '"%{" is not closed by "}"');
    const colon = inner.indexOf(':');
    const name = colon < 0 ? inner : inner.slice(0, colon);
    const type = colon < 0 ? null : inner.slice(colon + 1);
    const at = base + i + 2;
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
      throw new FormatPatternError(spec, at, name === '' ? 'a capture needs a name' : `"${name}" is not a field name (letters, digits, "_" and ".")`);
    }
    if (names.has(name)) throw new FormatPatternError(spec, at, `the field "${name}" is captured twice`);
    names.add(name);
    if (literal) items.push({ kind: 'literal', text: literal });
    literal = '';
    items.push(capture(spec, name, type, at + name.length + 1));
    lastWasCapture = true;
    i = close + 1;
  }
  if (literal) items.push({ kind: 'literal', text: literal });
  if (names.size === 0) throw new FormatPatternError(spec, spec.length, 'a pattern needs at least one capture "%{name}"');
  try {
    return buildTemplate(spec, items, 'pattern');
  } catch (error) {
    // buildTemplate's own checks are made above, with a caret; anything else is a bug.
    if (error instanceof UserError) throw new FormatPatternError(spec, base, error.message);
    throw error;
  }
}

const TYPES: Readonly<Record<string, ScanKind>> = { word: 'token', text: 'text', int: 'int', number: 'decimal' };

/** `dd/MMM/yyyy:HH:mm:ss Z` as strftime: CLF, the access-log time. */
const CLF_LAYOUT = '%d/%b/%Y:%H:%M:%S %z';

/** The field of `%{name:type}`; `typeAt` is where the type starts in `spec`. */
function capture(spec: string, name: string, type: string | null, typeAt: number): FieldItem {
  const field = (scan: ScanKind, strftime?: StrftimeScanner): FieldItem => ({
    kind: 'field',
    directive: `%{${name}}`,
    name,
    aliases: [],
    scan,
    ...(strftime ? { strftime } : {}),
  });
  if (type === null) return field(name === 'time' ? 'iso_time' : 'text');
  if (Object.hasOwn(TYPES, type)) return field(TYPES[type]!);
  if (type === '') throw new FormatPatternError(spec, typeAt, `a type after "${name}:" (word, text, int, number, or a time layout)`);
  let strftime = type;
  if (!type.includes('%')) {
    const java = javaToStrftime(type);
    if ('badAt' in java) {
      throw new FormatPatternError(spec, typeAt + java.badAt, `"${type}" is neither a type (word, text, int, number) nor a time layout: ${java.why}`);
    }
    strftime = java.pattern;
  }
  // The access-log time has its own fixed-position scanner, several times faster than the
  // general strftime one.
  if (strftime === CLF_LAYOUT) return field('clf_time');
  try {
    return field('strftime_time', compileStrftime(strftime));
  } catch (error) {
    if (error instanceof UserError) throw new FormatPatternError(spec, typeAt, error.message);
    throw error;
  }
}
