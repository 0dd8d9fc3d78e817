/** Anything text can be written to: process.stdout, a file stream, a test's string collector. */
export interface TextOut {
  write(s: string): void;
}

/**
 * Gathers small writes into chunks of about `chunkSize` characters: one write per row to
 * process.stdout costs more than formatting the row.
 */
export class BufferedOut {
  private pending = '';

  constructor(
    private readonly out: TextOut,
    private readonly chunkSize = 64 * 1024,
  ) {}

  write(s: string): void {
    this.pending += s;
    if (this.pending.length >= this.chunkSize) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const chunk = this.pending;
    this.pending = '';
    this.out.write(chunk);
  }
}
