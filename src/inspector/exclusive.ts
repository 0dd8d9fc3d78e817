import { HttpError } from './errors.js';

/**
 * One expensive operation at a time (snapshots, compares, CPU profiles, heap snapshots): each
 * pauses or slows the application, and two at once would measure each other. A second one gets
 * 409 at once rather than a queue, so a client retrying in a loop cannot pile them up.
 */
export class Exclusive {
  private running: string | null = null;

  /** Claims the slot for `what`; the returned function gives it back (idempotent). */
  claim(what: string): () => void {
    if (this.running !== null) throw new HttpError(409, `${this.running} is running; one expensive operation at a time, try again when it is done`);
    this.running = what;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running = null;
    };
  }

  async run<T>(what: string, work: () => Promise<T>): Promise<T> {
    const release = this.claim(what);
    try {
      return await work();
    } finally {
      release();
    }
  }

  get busy(): string | null {
    return this.running;
  }
}
