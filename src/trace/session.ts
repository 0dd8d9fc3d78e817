import { Session } from 'node:inspector';

/**
 * The inspector of this very thread, used synchronously: a session connected in-process answers
 * before `post` returns (Node dispatches same-thread messages at once), which is what lets the
 * tracer read profiles inside an 'exit' handler. No port is opened.
 */
export class SyncSession {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  post<T = unknown>(method: string, params?: object): T {
    let answered = false;
    let failure: Error | null = null;
    let value: unknown;
    this.session.post(method, params ?? {}, (error, result) => {
      answered = true;
      failure = error;
      value = result;
    });
    if (!answered) throw new Error(`the inspector did not answer ${method} synchronously`);
    if (failure) throw new Error(`${method}: ${(failure as Error).message}`);
    return value as T;
  }

  disconnect(): void {
    this.session.disconnect();
  }
}

/** One session per thread is enough for the tracer; made on first use. */
let shared: SyncSession | undefined;

export function threadSession(): SyncSession {
  shared ??= new SyncSession();
  return shared;
}
