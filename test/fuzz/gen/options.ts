/** Command-line options the generators add to cases, drawn from the Rng. */
import type { Rng } from '../prng.js';

/** An output option (or none), sometimes a profile or strict run, sometimes tiny limits. */
export function runOptions(rng: Rng): string[] {
  const options: string[] = [];
  const output = rng.weighted<string | null>([
    [5, null],
    [1, '--json'],
    [1, '--ndjson'],
    [1, '--csv'],
    [1, '--table'],
  ]);
  if (output) options.push(output);
  if (rng.chance(0.15)) options.push('--strict');
  if (rng.chance(0.1)) options.push('--profile');
  if (rng.chance(0.1)) options.push('--distinct-limit', String(rng.logInt(1, 1000)));
  if (rng.chance(0.1)) options.push('--percentile-limit', String(rng.logInt(1, 1000)));
  if (rng.chance(0.1)) options.push('--sort-limit', String(rng.logInt(1, 1000)));
  if (rng.chance(0.1)) options.push('--max-line-length', String(rng.logInt(1, 300)));
  return options;
}
