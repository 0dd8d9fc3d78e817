import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection now, without --expose-gc on the command line, so it works under
 * node:test, vitest and jest alike: the flag is set at run time, and only a new context made
 * after that gets `gc` (the program's own global stays as it was). The inspector's
 * HeapProfiler.collectGarbage would do too, but it answers asynchronously, and callers here
 * need the collection done before they read memory.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
