/**
 * Canonical field names that JSON and logfmt records also answer to when the line has no key of
 * that name, so the same query works on an nginx JSON log (`remote_ip`, `response`...) as on a
 * combined one. The canonical key itself always wins; then the aliases, in this order.
 */
export const CANONICAL_ALIASES: Readonly<Record<string, readonly string[]>> = {
  host: ['remote_ip', 'remote_addr', 'client_ip', 'ip'],
  user: ['remote_user'],
  status: ['response', 'status_code'],
  bytes: ['body_bytes_sent', 'bytes_sent'],
  referer: ['referrer', 'http_referer'],
  agent: ['user_agent', 'http_user_agent'],
  time: ['timestamp', '@timestamp', 'ts'],
  level: ['severity', 'lvl'],
  message: ['msg'],
};

/** Names to look up, in order, for a field. */
export function lookupChain(name: string): readonly string[] {
  return Object.hasOwn(CANONICAL_ALIASES, name) ? [name, ...CANONICAL_ALIASES[name]] : [name];
}

/** Canonical fields whose text is a number (`"response": "304"` reads as 304). */
export const NUMERIC_CANONICAL: ReadonlySet<string> = new Set(['status', 'bytes']);
