import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where logsift itself lives, so its own frames can be told from the program's. Found by walking
 * up from this module to the package.json named logsift: the same answer whether this code runs
 * from dist/src/trace/ or bundled in dist/logsift.mjs.
 */
function findPackageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'logsift') return dir;
    } catch {
      // no package.json here: look further up
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export const PACKAGE_ROOT: string | undefined = findPackageRoot();

/**
 * The folders of logsift's own code: the compiled files and the TypeScript sources that source
 * maps lead back to. The examples are not among them: they stand for a user's program.
 */
export const OWN_DIRS: readonly string[] = PACKAGE_ROOT ? [join(PACKAGE_ROOT, 'dist'), join(PACKAGE_ROOT, 'src')] : [];

/** The tracer's own code (its Buffer wrappers, probes): never a site, never named in `via`. */
export const TRACER_DIRS: readonly string[] = PACKAGE_ROOT
  ? [join(PACKAGE_ROOT, 'dist', 'src', 'trace'), join(PACKAGE_ROOT, 'dist', 'agent'), join(PACKAGE_ROOT, 'src', 'trace')]
  : [];

export function isUnder(file: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => file === d || file.startsWith(`${d}/`));
}

/** True for frames of logsift's bundle too: the CLI ships as one file, dist/logsift.mjs. */
export function isOwnFile(file: string): boolean {
  return isUnder(file, OWN_DIRS);
}
