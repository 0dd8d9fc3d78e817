import { spawn } from 'node:child_process';
import { eventJson, type AlertEvent } from './alerts.js';

export interface AlertActionOptions {
  /** `--exec CMD`: run by /bin/sh with the event as JSON on its stdin. */
  readonly exec?: string | undefined;
  /** `--webhook URL`: the event POSTed as JSON. */
  readonly webhook?: string | undefined;
  /** Most actions started in any minute (`--max-actions`); events past it are counted, not sent. */
  readonly maxPerMinute: number;
  readonly say: (line: string) => void;
}

const MINUTE = 60_000;
/** Most actions running at once; the others wait in the queue (bounded by the minute's limit). */
const MAX_RUNNING = 4;
/** How long one action may take before it is stopped. */
const EXEC_TIMEOUT_MS = 30_000;
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Runs the actions of alert events without ever holding up reading: `send` only queues; commands
 * and requests run in the background, a few at a time, each with a timeout. Rate-limited: at most
 * `maxPerMinute` actions start in any sliding minute; events past that are counted as suppressed
 * and said once a minute (and at the end). A failing action is said on stderr, one line each.
 */
export class AlertActions {
  private readonly started: number[] = [];
  private readonly queue: AlertEvent[] = [];
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private suppressed = 0;
  private suppressedSaid = 0;
  private lastSaid = 0;

  constructor(private readonly options: AlertActionOptions) {}

  get enabled(): boolean {
    return this.options.exec !== undefined || this.options.webhook !== undefined;
  }

  send(event: AlertEvent, now = Date.now()): void {
    if (!this.enabled) return;
    while (this.started.length > 0 && this.started[0]! <= now - MINUTE) this.started.shift();
    // `started` holds every event let through in the minute, queued ones included.
    if (this.started.length >= this.options.maxPerMinute) {
      this.suppressed++;
      if (now - this.lastSaid >= MINUTE) this.saySuppressed(now);
      return;
    }
    this.started.push(now);
    this.queue.push(event);
    this.next();
  }

  /** Waits for the actions running or queued (at most `ms`), and says what was suppressed. */
  async settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while ((this.inFlight.size > 0 || this.queue.length > 0) && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref())]);
    }
    if (this.suppressed > this.suppressedSaid) this.saySuppressed(Date.now());
  }

  private saySuppressed(now: number): void {
    this.lastSaid = now;
    this.suppressedSaid = this.suppressed;
    this.options.say(`logsift: ${this.suppressed} alert action(s) not run: more than ${this.options.maxPerMinute} in a minute (--max-actions)`);
  }

  private next(): void {
    while (this.running < MAX_RUNNING && this.queue.length > 0) {
      const event = this.queue.shift()!;
      this.running++;
      const done = this.run(event)
        .catch((error: unknown) => {
          this.options.say(`logsift: alert action failed: ${error instanceof Error ? error.message : String(error)}`);
        })
        .finally(() => {
          this.running--;
          this.inFlight.delete(done);
          this.next();
        });
      this.inFlight.add(done);
    }
  }

  private async run(event: AlertEvent): Promise<void> {
    const body = eventJson(event) + '\n';
    const jobs: Promise<void>[] = [];
    if (this.options.exec !== undefined) jobs.push(this.exec(this.options.exec, body));
    if (this.options.webhook !== undefined) jobs.push(this.post(this.options.webhook, body));
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private exec(command: string, body: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'ignore', 'ignore'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), EXEC_TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`--exec ${command}: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`--exec ${command}: ${signal ? `stopped by ${signal}${signal === 'SIGKILL' ? ` after ${EXEC_TIMEOUT_MS} ms` : ''}` : `exit status ${code}`}`));
      });
      // A command that does not read its stdin must not fail the action (EPIPE).
      child.stdin.on('error', () => {});
      child.stdin.end(body);
    });
  }

  private async post(url: string, body: string): Promise<void> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    }).catch((error: unknown) => {
      throw new Error(`--webhook ${url}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`);
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`--webhook ${url}: HTTP ${response.status}`);
  }
}
