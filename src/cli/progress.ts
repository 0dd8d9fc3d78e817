/**
 * A one-line progress display on stderr (bytes read, MB/s, ETA), redrawn at most 10 times a
 * second. Only used when stderr is a terminal and the total input size is known.
 */
export class Progress {
  private bytes = 0;
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly totalBytes: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  add(bytes: number): void {
    this.bytes += bytes;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw(now);
  }

  private draw(now: number): void {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const fraction = this.totalBytes > 0 ? Math.min(this.bytes / this.totalBytes, 1) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const rate = this.bytes / seconds;
    const eta = rate > 0 && this.totalBytes > this.bytes ? (this.totalBytes - this.bytes) / rate : 0;
    const text =
      `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
      `${mb(this.bytes)}/${mb(this.totalBytes)} MB  ${mb(rate)} MB/s  ETA ${eta.toFixed(0)}s`;
    this.stream.write(`\r${text}\x1b[K`);
    this.drawn = true;
  }

  /** Erases the line so results and summaries start on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
