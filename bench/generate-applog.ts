/**
 * Deterministic levelled application-log generator for the 1M-line exercise and the benchmark.
 *
 *   node dist/bench/generate-applog.js --lines 1m --out app.log [--seed 1]
 *
 * Lines look like
 *   2024-05-01T12:00:00.123Z INFO  [worker-3] com.example.Service - message ...
 * and exactly every tenth line (lines 10, 20, ...) is ERROR. The other lines are INFO, WARN or DEBUG
 * and never contain the upper-case text "ERROR" anywhere, though their messages do mention
 * "error-rate", "errors=0" and the like in lower case, so a query that greps instead of reading the
 * level field gets a wrong answer.
 */
import { pathToFileURL } from 'node:url';
import { ChunkFiller, parseCount, parseFlags, parseSeed, writeChunksToFile } from './chunk-file.js';
import { Rng, WeightedChoice } from './prng.js';

export interface ApplogOptions {
  lines: number;
  /** Same seed, same options: byte-identical output. Default 1. */
  seed?: number;
  /** First timestamp. Default 2024-05-01T12:00:00.000Z. */
  start?: Date;
}

/** Line n (1-based) is an ERROR line exactly when n is a multiple of this. */
export const ERROR_EVERY = 10;

/** Levels padded to five characters, as logback's `%-5level` writes them. */
const OTHER_LEVELS = new WeightedChoice<string>([
  ['INFO ', 70],
  ['DEBUG', 20],
  ['WARN ', 10],
]);

const THREADS = [
  'main', 'scheduler-1', 'kafka-consumer-0', 'kafka-consumer-1',
  ...Array.from({ length: 8 }, (_, i) => `worker-${i}`),
  ...Array.from({ length: 6 }, (_, i) => `http-nio-8080-exec-${i + 1}`),
];

const LOGGERS = [
  'com.example.Service', 'com.example.order.OrderService', 'com.example.payment.PaymentGateway',
  'com.example.inventory.StockClient', 'com.example.http.RequestLogger', 'com.example.cache.RedisCache',
  'com.example.auth.TokenValidator', 'org.hibernate.SQL', 'com.zaxxer.hikari.pool.HikariPool',
];

type Template = (rng: Rng) => string;

const INFO_MESSAGES: Template[] = [
  (r) => `GET /api/v1/orders/${r.int(1000, 99999)} 200 ${r.int(2, 180)} ms`,
  (r) => `order ${r.int(100000, 999999)} accepted for customer ${r.int(1, 50000)}`,
  (r) => `cache hit ratio ${(r.int(800, 999) / 10).toFixed(1)}% over the last 60 s`,
  (r) => `health check ok: error-rate ${(r.int(0, 40) / 100).toFixed(2)}% below threshold 1%`,
  (r) => `processed batch of ${r.int(10, 500)} events, errors=0, lag=${r.int(0, 90)} ms`,
  (r) => `payment ${r.int(100000, 999999)} captured (amount=${r.int(1, 999)}.${r.int(10, 99)} EUR)`,
  () => 'circuit breaker for inventory-service closed after error count dropped to 0',
  (r) => `user ${r.int(1, 50000)} logged in from 10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
];

const DEBUG_MESSAGES: Template[] = [
  (r) => `select o.id, o.status from orders o where o.customer_id=${r.int(1, 50000)}`,
  (r) => `token validated for subject user-${r.int(1, 50000)}, expires in ${r.int(1, 3600)} s`,
  (r) => `cache miss for key product:${r.int(1, 9999)}, loading from database`,
  (r) => `onError handler registered for stream ${r.int(1, 64)}`,
  (r) => `pool stats (total=${r.int(10, 50)}, active=${r.int(0, 10)}, idle=${r.int(0, 40)}, waiting=0)`,
];

const WARN_MESSAGES: Template[] = [
  (r) => `slow response from inventory-service: ${r.int(1000, 5000)} ms (error-rate ${(r.int(100, 400) / 100).toFixed(2)}%)`,
  (r) => `retrying request to payment-gateway after transient error (attempt ${r.int(1, 3)} of 3)`,
  () => 'deprecated configuration key cache.ttl used, please switch to cache.expire-after',
  (r) => `connection pool nearly exhausted (active=${r.int(45, 49)}, max=50)`,
];

const ERROR_MESSAGES: Template[] = [
  (r) => `failed to process order ${r.int(100000, 999999)}: java.net.SocketTimeoutException: Read timed out`,
  (r) => `unhandled exception in request GET /api/v1/users/${r.int(1, 50000)}: java.lang.NullPointerException`,
  (r) => `database connection pool exhausted (active=50, idle=0, waiting=${r.int(1, 40)})`,
  (r) => `payment ${r.int(100000, 999999)} declined by gateway: upstream returned 502`,
  () => 'could not refresh signing keys: javax.net.ssl.SSLHandshakeException: PKIX path building failed',
];

/** The level's message templates; non-ERROR lines never say "ERROR" in upper case (see the tests). */
function messagesFor(level: string): Template[] {
  switch (level) {
    case 'DEBUG':
      return DEBUG_MESSAGES;
    case 'WARN ':
      return WARN_MESSAGES;
    case 'ERROR':
      return ERROR_MESSAGES;
    default:
      return INFO_MESSAGES;
  }
}

/**
 * Yields the log in chunks of about 1 MiB. The yielded Buffer is reused: consume (write or hash) it
 * before asking for the next one.
 */
export function* applogChunks(options: ApplogOptions): Generator<Buffer> {
  const rng = new Rng(options.seed ?? 1);
  let ms = (options.start ?? new Date('2024-05-01T12:00:00.000Z')).getTime();
  const out = new ChunkFiller();
  for (let n = 1; n <= options.lines; n++) {
    ms += rng.int(0, 25);
    const level = n % ERROR_EVERY === 0 ? 'ERROR' : OTHER_LEVELS.sample(rng);
    const thread = rng.pick(THREADS);
    const logger = rng.pick(LOGGERS);
    const message = rng.pick(messagesFor(level))(rng);
    out.append(`${new Date(ms).toISOString()} ${level} [${thread}] ${logger} - ${message}\n`);
    if (out.full) yield out.take();
  }
  if (out.pending > 0) yield out.take();
}

/** Writes the log to `path` (streaming, through a temporary name). */
export function writeApplog(path: string, options: ApplogOptions): { lines: number; bytes: number } {
  return { lines: options.lines, bytes: writeChunksToFile(path, applogChunks(options)) };
}

function main(argv: readonly string[]): void {
  const flags = parseFlags(argv);
  const out = flags.get('out');
  const lines = flags.get('lines');
  if (out === undefined || lines === undefined) {
    process.stderr.write('usage: generate-applog --lines N --out FILE [--seed 1]\n');
    process.exit(2);
  }
  const result = writeApplog(out, { lines: parseCount(lines), seed: parseSeed(flags.get('seed')) });
  process.stderr.write(`wrote ${result.lines} lines, ${(result.bytes / 1048576).toFixed(1)} MiB to ${out}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`generate-applog: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
