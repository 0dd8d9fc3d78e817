/** The worker-thread side of parallel passes (see parallel.ts). */
export function serveWorker(): void {
  throw new Error('not yet');
}
