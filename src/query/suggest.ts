import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `name` when it is close enough to be a likely typo (edit distance at
 * most 40% of the name's length, at least 1; case is ignored), else undefined. `stauts` ->
 * `status`, but `bytes` suggests nothing among `status, count`.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.round(name.length * 0.4));
  return bestDistance <= limit ? best : undefined;
}
