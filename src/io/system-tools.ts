import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const found = new Map<string, string | null>();

/**
 * The full path of an executable on PATH (looked up once per process), or null. Decoders ask
 * before they spawn, so a missing tool means "use the built-in decoder", never a failed read.
 */
export function findExecutable(name: string): string | null {
  const cached = found.get(name);
  if (cached !== undefined) return cached;
  let path: string | null = null;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      path = join(dir, name);
      break;
    } catch {
      // not here
    }
  }
  found.set(name, path);
  return path;
}
