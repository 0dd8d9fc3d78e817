const BARS = '▁▂▃▄▅▆▇█';

/** Values as a line of block characters, lowest to highest; `null` (no reading) is a space. */
export function sparkline(values: readonly (number | null)[], width = 60): string {
  const shown = values.slice(-width);
  const real = shown.filter((v): v is number => v !== null);
  if (real.length === 0) return '';
  const lo = Math.min(...real);
  const hi = Math.max(...real);
  return shown
    .map((v) => {
      if (v === null) return ' ';
      if (hi === lo) return BARS[0]!;
      return BARS[Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length))]!;
    })
    .join('');
}
