/** The compressions logsift recognises by their first bytes (never by file name). */
export type Compression = 'gzip' | 'bzip2' | 'zstd';

/** Bytes needed to recognise every supported format ('BZh' + block-size digit; zstd's 4-byte magic). */
export const MAGIC_LENGTH = 4;

/** The compression whose magic number starts `head`, or null for plain data. */
export function detectCompression(head: Uint8Array): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39) {
    return 'bzip2';
  }
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return null;
}
