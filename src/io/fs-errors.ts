/**
 * Short, human reasons for filesystem failures, for one-line InputError messages.
 * Node's own messages repeat the path and the syscall ("ENOENT: no such file or directory, open 'x'");
 * the message already names the file, so only the reason is kept.
 */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  ESTALE: 'stale file handle',
  ENOMEM: 'out of memory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EBADF: 'bad file descriptor (is the output closed?)',
  EROFS: 'read-only file system',
};

/** One-line reason for an fs error (or anything thrown by fs), never a stack trace. */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in REASONS) return REASONS[code]!;
  const message = error instanceof Error ? error.message : String(error);
  // "ECODE: reason, syscall 'path'" -> "reason"
  const matched = /^[A-Z0-9_]+: ([^,\n]+)/.exec(message);
  if (matched) return matched[1]!;
  const firstLine = message.split('\n', 1)[0]!.trim();
  return firstLine === '' ? 'unknown error' : firstLine;
}
