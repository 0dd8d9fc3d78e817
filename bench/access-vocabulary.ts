/**
 * Word lists for the synthetic access log: real user-agent strings, referers, the status mix and
 * the kinds of URL a public web site serves. Kept apart from the generator so the numbers that
 * shape the traffic are easy to read and to change.
 */

/** Real user agents, most common first (the generator draws them Zipf-skewed in this order). */
export const USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
  'curl/8.5.0',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'python-requests/2.31.0',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'Wget/1.21.4',
  'Go-http-client/1.1',
  'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
  'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0',
  'Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  'okhttp/4.12.0',
  'Apache-HttpClient/4.5.14 (Java/17.0.10)',
  'PostmanRuntime/7.37.3',
  'Twitterbot/1.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 10; K; Petalbot;+https://webmaster.petalsearch.com/site/petalbot)',
];

/** The site's own address, used for internal referers. */
export const SITE = 'https://www.example.com';

/** External referers (the rest are "-" or a page of the site itself). */
export const EXTERNAL_REFERERS: readonly string[] = [
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.google.com/',
  'https://www.google.de/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://news.ycombinator.com/',
  'https://t.co/Xk2pQ9rLmV',
  'https://github.com/example/logsift',
  'https://www.reddit.com/r/programming/',
  'android-app://com.google.android.gm/',
];

/** Status codes and their share of all requests, in percent (~75% 200, ~5% 404, ~1% 5xx). */
export const STATUS_MIX: ReadonlyArray<readonly [number, number]> = [
  [200, 75.0],
  [304, 10.0],
  [302, 2.5],
  [301, 1.5],
  [206, 0.5],
  [201, 1.0],
  [204, 0.8],
  [404, 5.0],
  [403, 1.0],
  [401, 0.8],
  [400, 0.5],
  [429, 0.4],
  [500, 0.6],
  [502, 0.25],
  [503, 0.15],
];

export const PROTOCOL_MIX: ReadonlyArray<readonly [string, number]> = [
  ['HTTP/1.1', 70],
  ['HTTP/2.0', 27],
  ['HTTP/1.0', 3],
];

export const SITE_METHOD_MIX: ReadonlyArray<readonly [string, number]> = [
  ['GET', 96.5],
  ['HEAD', 2.5],
  ['POST', 0.8],
  ['OPTIONS', 0.2],
];

export const API_METHOD_MIX: ReadonlyArray<readonly [string, number]> = [
  ['GET', 68],
  ['POST', 20],
  ['PUT', 6],
  ['DELETE', 3],
  ['PATCH', 2],
  ['OPTIONS', 1],
];

/** Authenticated users (HTTP basic auth); almost every request has "-". */
export const USERS: readonly string[] = ['alice', 'bob', 'admin', 'deploy', 'j.smith', 'monitoring', 'carol'];

export const BLOG_SLUGS: readonly string[] = [
  'streaming-logs-in-constant-memory', 'why-awk-is-still-fast', 'zipf-everywhere', 'release-notes-1-2',
  'hyperloglog-in-practice', 'postmortem-2024-04-12', 'tuning-nginx-buffers', 'a-tour-of-ddsketch',
  'migrating-to-http2', 'cache-headers-explained', 'hiring-backend-engineers', 'the-cost-of-a-promise',
];

export const SEARCH_TERMS: readonly string[] = [
  'logs', 'nginx+log+format', 'p99+latency', 'error%20budget', 'gzip', 'install', 'pricing', 'api+key',
  'rate+limit', 'docker', 'kubernetes+ingress', 'csv+export', 'timezone', 'sso', 'webhooks', 'retention',
];

export const DOC_SECTIONS: readonly string[] = ['getting-started', 'queries', 'formats', 'cli', 'api', 'faq'];

export const API_RESOURCES: readonly string[] = [
  '/api/v1/users/', '/api/v1/orders/', '/api/v2/products/', '/api/v1/invoices/', '/api/v2/sessions/',
];

export const API_FIXED: readonly string[] = [
  '/api/v1/health', '/api/v1/session', '/api/v2/search', '/api/v1/metrics', '/api/v1/config', '/api/v2/events',
];

export const API_QUERIES: readonly string[] = [
  '?page=2&limit=50', '?page=1&limit=20', '?sort=created_at&order=desc', '?fields=id,name,email',
  '?include=items', '?since=2024-04-30T00:00:00Z', '?status=open&page=3',
];

export const DOWNLOADS: readonly string[] = [
  '/downloads/logsift-1.2.3-linux-x64.tar.gz', '/downloads/logsift-1.2.3-darwin-arm64.tar.gz',
  '/downloads/logsift-1.2.3-win-x64.zip', '/downloads/logsift-1.2.2-linux-x64.tar.gz',
  '/downloads/sample-logs-2024-04.zip', '/downloads/whitepaper.pdf', '/downloads/logsift_1.2.3_amd64.deb',
  '/downloads/logsift-1.2.3.x86_64.rpm',
];

export const PROBES: readonly string[] = [
  '/wp-login.php', '/.env', '/wp-admin/setup-config.php', '/phpmyadmin/index.php', '/.git/config',
  '/admin/config.php', '/xmlrpc.php', '/cgi-bin/luci/;stok=/locale',
];
