import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the system's temporary directory, and the call that removes it. */
export function withTempDir(prefix: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `logsift-${prefix}-`));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}
