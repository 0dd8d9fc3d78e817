import { UsageError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { AccessLogFormat } from './access/access-format.js';
import { compileApacheFormat } from './access/apache-format.js';
import { compileNginxFormat } from './access/nginx-format.js';
import { apacheErrorFormat } from './apache-error.js';
import { applogFormat } from './applog.js';
import type { LogFormat } from '../core/format.js';
import type { BytesTransform } from '../io/cat.js';
import { jsonFormat } from './json.js';
import { logfmtFormat } from './logfmt.js';
import { compilePattern, PATTERN_PREFIX } from './pattern/pattern.js';
import { REGEX_PREFIX, RegexFormat } from './pattern/regex-format.js';
import { syslogFormat } from './syslog/rfc3164.js';
import { rfc5424Format } from './syslog/rfc5424.js';
import { XML_PREFIX, xmlFormat } from './xml/xml-format.js';

/**
 * The named formats. The access-log ones are Apache LogFormat strings compiled by the same
 * compiler users' own strings go through (`combined` doubles as nginx's default `combined`
 * log_format, which writes the same bytes).
 */
export const ACCESS_FORMAT_STRINGS = {
  common: '%h %l %u %t "%r" %>s %b',
  combined: '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"',
  vhost_combined: '%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"',
} as const;

const ALIASES: Readonly<Record<string, string>> = { clf: 'common', nginx: 'combined', rfc3164: 'syslog' };

/** Application-log layouts with a fixed shape, by name. */
const LAYOUTS: Readonly<Record<string, LogFormat>> = {
  json: jsonFormat,
  logfmt: logfmtFormat,
  applog: applogFormat,
  apache_error: apacheErrorFormat,
  syslog: syslogFormat,
  rfc5424: rfc5424Format,
};

/** Every name resolveFormat accepts, aliases included. */
export const FORMAT_NAMES: readonly string[] = [
  'common',
  'clf',
  'combined',
  'nginx',
  'vhost_combined',
  'json',
  'logfmt',
  'applog',
  'apache_error',
  'syslog',
  'rfc3164',
  'rfc5424',
];

const named = new Map<string, LogFormat>();

/** The registry format of that canonical name, built once. */
function namedFormat(name: string): LogFormat | undefined {
  let format = named.get(name);
  if (format) return format;
  if (Object.hasOwn(ACCESS_FORMAT_STRINGS, name)) {
    const source = ACCESS_FORMAT_STRINGS[name as keyof typeof ACCESS_FORMAT_STRINGS];
    format = new AccessLogFormat(name, compileApacheFormat(source));
  } else if (Object.hasOwn(LAYOUTS, name)) format = LAYOUTS[name];
  if (format) named.set(name, format);
  return format;
}

/**
 * A format from what the user wrote: a registry name (any case), `pattern:...`, `regex:...`,
 * `xml:ELEMENT`, an Apache LogFormat string (contains `%`) or an nginx log_format string
 * (contains `$`). Throws UsageError for an unknown name or a format string that does not compile
 * (one line; a pattern's or regex's with a caret under the mistake).
 *
 * Format strings are compiled once per process: the pass, the output planner and each worker
 * resolve the same string, and get the same LogFormat (plans are kept per format object).
 */
export function resolveFormat(spec: string): LogFormat {
  const trimmed = spec.trim();
  const lower = trimmed.toLowerCase();
  const format = namedFormat(Object.hasOwn(ALIASES, lower) ? ALIASES[lower] : lower);
  if (format) return format;
  let compiled = compiledStrings.get(spec);
  if (!compiled) {
    compiled = compileFormatString(spec, trimmed);
    if (compiledStrings.size >= MAX_COMPILED) compiledStrings.clear();
    compiledStrings.set(spec, compiled);
  }
  return compiled;
}

const compiledStrings = new Map<string, LogFormat>();
/** A process compiles a few format strings; a library looping over many must not grow without bound. */
const MAX_COMPILED = 64;

function compileFormatString(spec: string, trimmed: string): LogFormat {
  // The name shows in messages ('3 lines did not match <name>'): one line, whatever was typed.
  if (spec.startsWith(PATTERN_PREFIX)) return new AccessLogFormat(printable(spec), compilePattern(spec));
  if (spec.startsWith(REGEX_PREFIX)) return new RegexFormat(spec);
  if (spec.startsWith(XML_PREFIX)) return xmlFormat(spec);
  if (trimmed.includes('%')) return new AccessLogFormat(printable(spec), compileApacheFormat(spec));
  if (trimmed.includes('$')) return new AccessLogFormat(printable(spec), compileNginxFormat(spec));
  throw new UsageError(
    `unknown format "${printable(spec)}": use one of ${FORMAT_NAMES.join(', ')}, ` +
      'pattern:..., regex:..., xml:ELEMENT, an Apache LogFormat string (with %) or an nginx log_format string (with $)',
  );
}

/**
 * The formats detection chooses from, most specific first (ties go to the earlier one). The
 * application layouts that start with a fixed mark (`[Www Mmm`, `<PRI>1 `) come before the
 * free-form ones; `applog` comes before `syslog` because an applog line whose level is followed
 * by a `logger:` also reads as syslog (time, host, tag:), while no syslog line has a level where
 * applog needs one.
 */
export const DETECTION_ORDER = [
  'vhost_combined',
  'combined',
  'common',
  'apache_error',
  'rfc5424',
  'json',
  'logfmt',
  'applog',
  'syslog',
] as const;

export function detectableFormats(): LogFormat[] {
  return DETECTION_ORDER.map((name) => namedFormat(name) as LogFormat);
}

/** What open() runs a source's bytes through for this format (an xml: format's records as lines), if anything. */
export function transformOf(format: LogFormat | undefined): BytesTransform | undefined {
  const transform = format?.transform;
  return transform ? (source, chunks) => transform.call(format, source, chunks) : undefined;
}
