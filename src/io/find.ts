import { InputError } from '../core/errors.js';
import { STDIN_SOURCE, type Source } from '../core/source.js';
import { expandGlob, looksLikeGlob } from './expand-glob.js';
import { inspectPath } from './file-source.js';
import { walkDirectory } from './walk-directory.js';

export interface FindOptions {
  /** Called for each spec (or file below a directory) that cannot be used; finding goes on. */
  onError(error: InputError): void;
}

/**
 * Expands the user's input specs, in the order given, into sources. Never throws for a bad spec:
 * reports it via onError and goes on.
 *
 * - `-` is standard input.
 * - an existing file is one source; FIFOs and character devices named explicitly are accepted too
 *   (`<(zcat a.gz)` gives `/dev/fd/63`), with size null.
 * - a directory is every regular file below it, sorted by path (see walkDirectory).
 * - a spec with glob characters that names no existing path is expanded by logsift (see expandGlob).
 */
export async function* findSources(specs: readonly string[], options: FindOptions): AsyncGenerator<Source> {
  const onError = (error: InputError): void => options.onError(error);
  for (const spec of specs) {
    if (spec === '-') {
      yield STDIN_SOURCE;
      continue;
    }
    const found = await inspectPath(spec);
    switch (found.kind) {
      case 'file':
        yield found.source;
        break;
      case 'directory':
        yield* walkDirectory(spec, onError);
        break;
      case 'other':
        if (found.stats.isFIFO() || found.stats.isCharacterDevice()) yield { name: spec, path: spec, size: null };
        else onError(new InputError(spec, 'not a regular file'));
        break;
      case 'error':
        if ((found.code === 'ENOENT' || found.code === 'ENOTDIR') && looksLikeGlob(spec)) {
          yield* expandGlob(spec, onError);
        } else {
          onError(found.error);
        }
        break;
    }
  }
}
