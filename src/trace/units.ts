/** Bytes for people: `512 B`, `12.3 KiB`, `4.0 MiB`, `1.20 GiB`. */
export function formatBytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1024) return `${sign}${Math.round(a)} B`;
  if (a < 1024 ** 2) return `${sign}${(a / 1024).toFixed(1)} KiB`;
  if (a < 1024 ** 3) return `${sign}${(a / 1024 ** 2).toFixed(1)} MiB`;
  return `${sign}${(a / 1024 ** 3).toFixed(2)} GiB`;
}

/** A signed size difference: `+12.3 MiB`, `-4 B`. */
export function formatBytesDiff(n: number): string {
  return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
}

/** Counts for people, with thousands separators. */
export function formatCount(n: number): string {
  // Not toLocaleString: Intl costs milliseconds a table, and this is always English.
  const digits = String(Math.abs(Math.round(n)));
  return (n < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatPercent(p: number): string {
  return `${p.toFixed(1)}%`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/**
 * Reads a size option: a whole number of bytes, optionally with a binary suffix (`512`, `32k`,
 * `32KiB`, `4m`, `1g`). Undefined when the text is not one.
 */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+)\s*(?:(k|ki|kib|kb)|(m|mi|mib|mb)|(g|gi|gib|gb)|b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] ? 1024 : m[3] ? 1024 ** 2 : m[4] ? 1024 ** 3 : 1);
  return Number.isSafeInteger(n) ? n : undefined;
}
