import { UsageError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { AccessLogFormat } from './access/access-format.js';
import { compileApacheFormat } from './access/apache-format.js';
import { compileNginxFormat } from './access/nginx-format.js';
import { applogFormat } from './applog.js';
import type { LogFormat } from '../core/format.js';
import { jsonFormat } from './json.js';
import { logfmtFormat } from './logfmt.js';

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

const ALIASES: Readonly<Record<string, string>> = { clf: 'common', nginx: 'combined' };

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
];

const named = new Map<string, LogFormat>();

/** The registry format of that canonical name, built once. */
function namedFormat(name: string): LogFormat | undefined {
  let format = named.get(name);
  if (format) return format;
  if (Object.hasOwn(ACCESS_FORMAT_STRINGS, name)) {
    const source = ACCESS_FORMAT_STRINGS[name as keyof typeof ACCESS_FORMAT_STRINGS];
    format = new AccessLogFormat(name, compileApacheFormat(source));
  } else if (name === 'json') format = jsonFormat;
  else if (name === 'logfmt') format = logfmtFormat;
  else if (name === 'applog') format = applogFormat;
  if (format) named.set(name, format);
  return format;
}

/**
 * A format from what the user wrote: a registry name (any case), an Apache LogFormat string
 * (contains `%`) or an nginx log_format string (contains `$`). Throws UsageError, one line,
 * for an unknown name or a format string that does not compile.
 */
export function resolveFormat(spec: string): LogFormat {
  const trimmed = spec.trim();
  const lower = trimmed.toLowerCase();
  const format = namedFormat(Object.hasOwn(ALIASES, lower) ? ALIASES[lower] : lower);
  if (format) return format;
  // The name shows in messages ('3 lines did not match <name>'): one line, whatever was typed.
  if (trimmed.includes('%')) return new AccessLogFormat(printable(spec), compileApacheFormat(spec));
  if (trimmed.includes('$')) return new AccessLogFormat(printable(spec), compileNginxFormat(spec));
  throw new UsageError(
    `unknown format "${printable(spec)}": use one of ${FORMAT_NAMES.join(', ')}, ` +
      'an Apache LogFormat string (with %) or an nginx log_format string (with $)',
  );
}

/** The formats detection chooses from, most specific first (ties go to the earlier one). */
export function detectableFormats(): LogFormat[] {
  return ['vhost_combined', 'combined', 'common', 'json', 'logfmt', 'applog'].map(
    (name) => namedFormat(name) as LogFormat,
  );
}
