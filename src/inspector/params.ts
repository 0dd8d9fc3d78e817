import { HttpError } from './errors.js';

/** Longest request target the inspector reads: anything longer is not one of its requests. */
export const MAX_URL_LENGTH = 2048;

const KEY = /^[A-Za-z0-9._-]{1,64}$/;

/** The query parameters of one request, each read at most once; any left unread is an error. */
export class Params {
  private readonly read = new Set<string>();

  constructor(private readonly query: URLSearchParams) {
    for (const name of new Set(query.keys())) {
      if (query.getAll(name).length > 1) throw new HttpError(400, `parameter ${name} is given more than once`);
    }
  }

  private get(name: string): string | undefined {
    this.read.add(name);
    return this.query.get(name) ?? undefined;
  }

  /** Rejects parameters this endpoint does not take, so a typo is not silently ignored. */
  done(): void {
    for (const name of this.query.keys()) {
      if (!this.read.has(name)) throw new HttpError(400, `unknown parameter ${name}`);
    }
  }

  /** The snapshot key (`?key=NAME`), which must be given. */
  key(): string {
    const value = this.get('key');
    if (value === undefined) throw new HttpError(400, 'give the snapshot a key: ?key=NAME (letters, digits, . _ -, at most 64)');
    return checkKey(value);
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  int(name: string, fallback: number, min: number, max: number): number {
    const text = this.get(name);
    if (text === undefined) return fallback;
    if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new HttpError(400, `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text.slice(0, 40))}`);
    }
    return Number(text);
  }

  /** A number of seconds above 0 and at most `max` (decimals allowed: 0.5). */
  seconds(name: string, fallback: number, max: number): number {
    const text = this.get(name);
    if (text === undefined) return fallback;
    const n = /^\d{1,9}(\.\d{1,3})?$/.test(text) ? Number(text) : NaN;
    if (!(n > 0 && n <= max)) throw new HttpError(400, `${name} must be a number of seconds above 0 and at most ${max}, got ${JSON.stringify(text.slice(0, 40))}`);
    return n;
  }
}

export function checkKey(value: string): string {
  if (!KEY.test(value)) throw new HttpError(400, `a snapshot key is 1 to 64 letters, digits, '.', '_' or '-', got ${JSON.stringify(value.slice(0, 70))}`);
  return value;
}
