/**
 * Deterministic Apache "combined" access-log generator for the benchmark and tests.
 *
 *   node dist/bench/generate-access.js --lines 1m --out access.log [--seed 1] [--offset +0200]
 *
 * The traffic is shaped like a public web site's: Zipf-skewed clients (mostly IPv4, some IPv6, a few
 * hostnames) and URLs (static assets, pages, /api/..., downloads, scanners' probes), the status mix
 * in access-vocabulary.ts, log-normal sizes ("-" for 304, 204 and HEAD; downloads above 1 MB), real
 * user agents and referers, and times that never go backwards. Every request target is free of
 * spaces, so whitespace-splitting peers (mawk: $1 host, $7 url, $9 status, $10 bytes) see the same
 * fields as a real parser.
 */
import { pathToFileURL } from 'node:url';
import { ChunkFiller, parseCount, parseFlags, parseSeed, writeChunksToFile } from './chunk-file.js';
import { Rng, WeightedChoice, ZipfSampler } from './prng.js';
import * as V from './access-vocabulary.js';

export interface AccessLogOptions {
  lines: number;
  /** Same seed, same options: byte-identical output. Default 1. */
  seed?: number;
  /** First timestamp. Default 2024-05-01T00:00:00Z. */
  start?: Date;
  /** UTC offset the times are written in, in minutes (e.g. 120 for +0200). Default 0. */
  utcOffsetMinutes?: number;
  /** Mean gap between requests in ms (gaps are uniform in [0, 2*mean]). Default 20. */
  meanGapMs?: number;
}

interface SizeModel {
  median: number;
  sigma: number;
}

interface UrlEntry {
  path: string;
  size: SizeModel;
  /** Query strings this URL is sometimes requested with, and how often. */
  queries: readonly string[] | null;
  queryChance: number;
}

interface Section {
  api: boolean;
  entries: UrlEntry[];
  zipf: ZipfSampler;
}

const HTML: SizeModel = { median: 14_000, sigma: 0.5 };
const CSS: SizeModel = { median: 40_000, sigma: 0.7 };
const JS: SizeModel = { median: 90_000, sigma: 1.0 };
const IMAGE: SizeModel = { median: 60_000, sigma: 1.2 };
const FONT: SizeModel = { median: 48_000, sigma: 0.3 };
const API: SizeModel = { median: 1_800, sigma: 1.0 };
const DOWNLOAD: SizeModel = { median: 8_000_000, sigma: 0.8 };
const FEED: SizeModel = { median: 25_000, sigma: 0.4 };
const TINY: SizeModel = { median: 300, sigma: 0.3 };

/** Body sizes of the server's own error and redirect pages. */
const STATUS_PAGE: Record<number, SizeModel> = {
  301: { median: 235, sigma: 0.1 },
  302: { median: 230, sigma: 0.1 },
  400: { median: 226, sigma: 0.1 },
  401: { median: 381, sigma: 0.1 },
  403: { median: 280, sigma: 0.2 },
  404: { median: 320, sigma: 0.4 },
  429: { median: 150, sigma: 0.1 },
  500: { median: 530, sigma: 0.3 },
  502: { median: 559, sigma: 0.1 },
  503: { median: 299, sigma: 0.1 },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function entry(path: string, size: SizeModel, queries: readonly string[] | null = null, queryChance = 0): UrlEntry {
  return { path, size, queries, queryChance };
}

function section(api: boolean, entries: UrlEntry[], s = 1.0): Section {
  return { api, entries, zipf: new ZipfSampler(entries.length, s, 1) };
}

const UTM = ['?utm_source=newsletter&utm_medium=email', '?utm_source=twitter', '?ref=producthunt'];
const ASSET_VERSIONS = ['?v=3', '?v=1714521600', '?v=2.4.1'];

/** The site's URLs, grouped so each group's share of traffic is explicit; Zipf within a group. */
function buildSections(rng: Rng): { choice: WeightedChoice<Section>; pages: string[] } {
  const pages = ['/', '/index.html', '/about', '/pricing', '/contact', '/blog/', '/changelog', '/login', '/signup'];
  for (const slug of V.BLOG_SLUGS) pages.push(`/blog/${slug}`);
  for (const doc of V.DOC_SECTIONS) for (let i = 1; i <= 8; i++) pages.push(`/docs/${doc}/page-${i}`);

  const assets: UrlEntry[] = [
    entry('/static/css/main.3f9a1c2e.css', CSS, ASSET_VERSIONS, 0.1),
    entry('/static/js/app.8b4e7d10.js', JS, ASSET_VERSIONS, 0.1),
    entry('/static/js/vendor.c0ffee42.js', JS),
    entry('/static/css/print.css', CSS),
    entry('/fonts/inter-var.woff2', FONT),
    entry('/static/js/analytics.js', JS),
  ];
  const imageExt = ['png', 'jpg', 'webp', 'svg'];
  for (let i = 0; i < 160; i++) assets.push(entry(`/images/img-${i}.${imageExt[i % 4]}`, IMAGE));

  const api: UrlEntry[] = V.API_FIXED.map((p) => entry(p, API, V.API_QUERIES, 0.3));
  for (let id = 1; id <= 400; id++) {
    for (const resource of V.API_RESOURCES) {
      api.push(entry(`${resource}${id * 7 + 1000}`, API, V.API_QUERIES, 0.2));
      if (id % 4 === 0) api.push(entry(`${resource}${id * 7 + 1000}/items`, API, V.API_QUERIES, 0.3));
    }
  }
  // Shuffle so the popular API ids are not simply the smallest.
  for (let i = api.length - 1; i > V.API_FIXED.length; i--) {
    const j = V.API_FIXED.length + Math.floor(rng.next() * (i - V.API_FIXED.length + 1));
    [api[i], api[j]] = [api[j]!, api[i]!];
  }

  const sections: Array<readonly [Section, number]> = [
    [section(false, pages.map((p) => entry(p, HTML, UTM, 0.04))), 18],
    [section(false, assets, 1.1), 42],
    [section(true, api, 0.9), 25],
    [section(false, V.DOWNLOADS.map((p) => entry(p, DOWNLOAD))), 1.5],
    [section(false, [entry('/favicon.ico', { median: 1150, sigma: 0.01 })]), 3],
    [section(false, [entry('/robots.txt', { median: 68, sigma: 0.01 })]), 1],
    [section(false, [entry('/sitemap.xml', FEED), entry('/feed.xml', FEED)]), 1],
    [section(false, [entry('/search', HTML, V.SEARCH_TERMS.map((t) => `?q=${t}`), 1)]), 4],
    [section(false, V.PROBES.map((p) => entry(p, TINY))), 1.5],
  ];
  return { choice: new WeightedChoice(sections), pages };
}

function ipv4(rng: Rng): string {
  let a = rng.int(1, 223);
  if (a === 10 || a === 127) a += 1;
  return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function hex(rng: Rng): string {
  return rng.int(0, 0xffff).toString(16);
}

function ipv6(rng: Rng): string {
  const prefix = rng.pick(['2a02:c7c', '2600:1700', '2001:4860', '2a01:e0a', '2604:a880']);
  return rng.next() < 0.5
    ? `${prefix}:${hex(rng)}:${hex(rng)}::${hex(rng)}`
    : `${prefix}:${hex(rng)}:${hex(rng)}:${hex(rng)}:${hex(rng)}:${hex(rng)}:${hex(rng)}`;
}

function hostname(rng: Rng): string {
  const n = rng.int(1, 254);
  switch (rng.int(0, 3)) {
    case 0:
      return `crawl-66-249-66-${n}.googlebot.com`;
    case 1:
      return `msnbot-157-55-39-${n}.search.msn.com`;
    case 2:
      return `cpe-${rng.int(24, 99)}-${rng.int(0, 255)}-${rng.int(0, 255)}-${n}.nyc.res.rr.com`;
    default:
      return `host${rng.int(1, 9999)}.example.net`;
  }
}

/** Distinct clients grow with the log but slower than it, as on a real site. */
export function hostPoolSize(lines: number): number {
  return Math.min(200_000, Math.max(2_000, Math.ceil(lines / 40)));
}

function buildHosts(rng: Rng, n: number): string[] {
  const hosts: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    hosts.push(u < 0.88 ? ipv4(rng) : u < 0.96 ? ipv6(rng) : hostname(rng));
  }
  return hosts;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "+0200" / "-0430" for an offset in minutes. */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

/** "+0200" -> 120. */
export function parseOffset(text: string): number {
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(text);
  if (!m) throw new Error(`not a UTC offset like +0200: ${text}`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Apache's %t: "[01/May/2024:14:03:59 +0200]", the wall-clock time in that offset. */
function apacheTime(epochSeconds: number, offsetMinutes: number, zone: string): string {
  const d = new Date((epochSeconds + offsetMinutes * 60) * 1000);
  return (
    `[${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${zone}]`
  );
}

/**
 * Yields the log in chunks of about 1 MiB. The yielded Buffer is reused: consume (write or hash) it
 * before asking for the next one.
 */
export function* accessLogChunks(options: AccessLogOptions): Generator<Buffer> {
  const rng = new Rng(options.seed ?? 1);
  const offset = options.utcOffsetMinutes ?? 0;
  const zone = formatOffset(offset);
  const meanGap = options.meanGapMs ?? 20;
  const { choice: sections, pages } = buildSections(rng);
  const hosts = buildHosts(rng, hostPoolSize(options.lines));
  const hostZipf = new ZipfSampler(hosts.length, 1.0, 1);
  const agentZipf = new ZipfSampler(V.USER_AGENTS.length, 1.0, 1);
  const statuses = new WeightedChoice(V.STATUS_MIX);
  const protocols = new WeightedChoice(V.PROTOCOL_MIX);
  const siteMethods = new WeightedChoice(V.SITE_METHOD_MIX);
  const apiMethods = new WeightedChoice(V.API_METHOD_MIX);

  let ms = (options.start ?? new Date('2024-05-01T00:00:00Z')).getTime();
  let second = NaN;
  let time = '';
  const out = new ChunkFiller();

  for (let i = 0; i < options.lines; i++) {
    ms += Math.floor(rng.next() * (2 * meanGap + 1));
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      time = apacheTime(s, offset, zone);
    }

    const host = hosts[hostZipf.sample(rng)]!;
    const user = rng.next() < 0.03 ? rng.pick(V.USERS) : '-';
    const sec = sections.sample(rng);
    const target = sec.entries[sec.zipf.sample(rng)]!;
    const url =
      target.queries !== null && rng.next() < target.queryChance ? target.path + rng.pick(target.queries) : target.path;
    const method = (sec.api ? apiMethods : siteMethods).sample(rng);
    const protocol = protocols.sample(rng);
    const status = statuses.sample(rng);

    let size: string;
    if (status === 304 || status === 204 || method === 'HEAD') size = '-';
    else if (status === 200 || status === 201) size = String(Math.max(1, Math.round(rng.logNormal(target.size.median, target.size.sigma))));
    else if (status === 206) size = String(Math.max(1, Math.round(rng.next() * rng.logNormal(target.size.median, target.size.sigma))));
    else {
      const page = STATUS_PAGE[status]!;
      size = String(Math.round(rng.logNormal(page.median, page.sigma)));
    }

    const r = rng.next();
    const referer = r < 0.45 ? '-' : r < 0.8 ? V.SITE + rng.pick(pages) : rng.pick(V.EXTERNAL_REFERERS);
    const agent = V.USER_AGENTS[agentZipf.sample(rng)]!;

    out.append(`${host} - ${user} ${time} "${method} ${url} ${protocol}" ${status} ${size} "${referer}" "${agent}"\n`);
    if (out.full) yield out.take();
  }
  if (out.pending > 0) yield out.take();
}

/** Writes the log to `path` (streaming, through a temporary name). */
export function writeAccessLog(path: string, options: AccessLogOptions): { lines: number; bytes: number } {
  return { lines: options.lines, bytes: writeChunksToFile(path, accessLogChunks(options)) };
}

function main(argv: readonly string[]): void {
  const flags = parseFlags(argv);
  const out = flags.get('out');
  const lines = flags.get('lines');
  if (out === undefined || lines === undefined) {
    process.stderr.write('usage: generate-access --lines N --out FILE [--seed 1] [--offset +0000]\n');
    process.exit(2);
  }
  const started = performance.now();
  const result = writeAccessLog(out, {
    lines: parseCount(lines),
    seed: parseSeed(flags.get('seed')),
    utcOffsetMinutes: parseOffset(flags.get('offset') ?? '+0000'),
  });
  const secs = (performance.now() - started) / 1000;
  process.stderr.write(
    `wrote ${result.lines} lines, ${(result.bytes / 1048576).toFixed(1)} MiB to ${out} in ${secs.toFixed(1)} s\n`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`generate-access: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
