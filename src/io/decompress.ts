import { InputError } from '../core/errors.js';
import { bzip2LibraryDecoder } from './bzip2-decoder.js';
import { childDecoder, toolReason } from './child-decoder.js';
import { DecodeError, type Decoder } from './decoder.js';
import { gzipDecoder } from './gzip-decoder.js';
import type { Compression } from './sniff.js';
import { findExecutable } from './system-tools.js';
import { zstdLibraryDecoder } from './zstd-decoder.js';

export type { Compression } from './sniff.js';

/** A system tool that decodes a format, and how its failures read. */
interface Tool {
  readonly command: string;
  readonly args: readonly string[];
  readonly describe: (stderr: string) => string;
}

/**
 * Which decoder reads what (measured choices, see ARCHITECTURE.md "Decompression"):
 * - gzip: node:zlib in-process (on libuv's thread pool), with logsift's own member framing;
 * - zstd: the `zstd` command when installed (the reference decoder, on another core), else
 *   libzstd in-process through the optional zstd-napi package;
 * - bzip2: `lbzip2` (parallel) or `bzip2` when installed, else seek-bzip in-process.
 * LOGSIFT_DECOMPRESS=builtin forces the in-process decoders, `system` the tools (for tests).
 */
const TOOLS: Readonly<Record<'zstd' | 'bzip2', readonly Tool[]>> = {
  zstd: [{ command: 'zstd', args: ['-dc', '--long=31', '-q'], describe: (stderr) => zstdFailure(toolReason(stderr)) }],
  bzip2: [
    { command: 'lbzip2', args: ['-dc'], describe: (stderr) => bzip2Failure(toolReason(stderr)) },
    { command: 'bzip2', args: ['-dc'], describe: (stderr) => bzip2Failure(toolReason(stderr)) },
  ],
};

const LIBRARIES: Readonly<Record<'zstd' | 'bzip2', Decoder>> = { zstd: zstdLibraryDecoder, bzip2: bzip2LibraryDecoder };

function zstdFailure(reason: string): string {
  if (/premature end|truncated|unexpected end/i.test(reason)) return 'truncated zstd data';
  return `corrupt zstd data${reason ? `: ${reason}` : ''}`;
}

function bzip2Failure(reason: string): string {
  if (/ends unexpectedly|premature|truncated|unexpected end/i.test(reason)) return 'truncated bzip2 data';
  if (/data integrity error/i.test(reason)) return 'corrupt bzip2 data: CRC mismatch';
  // lbzip2 says this both for a cut file and for a damaged block header.
  if (/bad block header magic/i.test(reason)) return 'truncated or corrupt bzip2 data: bad block header magic';
  return `corrupt bzip2 data${reason ? `: ${reason.replace(/^compressed data error: /, '')}` : ''}`;
}

/** The decoder for a compression on this machine. */
export function decoderFor(compression: Compression): Decoder {
  if (compression === 'gzip') return gzipDecoder;
  const mode = process.env['LOGSIFT_DECOMPRESS'];
  if (mode !== 'builtin') {
    for (const tool of TOOLS[compression]) {
      const path = findExecutable(tool.command);
      if (path) return childDecoder(path, tool.args, tool.describe);
    }
    if (mode === 'system') {
      return async function* missing() {
        throw new DecodeError(`no ${TOOLS[compression].map((t) => t.command).join(' or ')} command on this machine`);
      };
    }
  }
  return LIBRARIES[compression];
}

/**
 * Decompresses `compressed`, pulled chunk by chunk (see Decoder): on corrupt or truncated data,
 * what was decoded before the error is yielded first, then an InputError names `name` and the
 * offset reached. Oddities that do not stop decoding (gzip's trailing garbage) go to `warn`.
 */
export async function* decompress(
  name: string,
  compression: Compression,
  compressed: AsyncIterable<Buffer>,
  warn: (message: string) => void = () => {},
): AsyncGenerator<Buffer> {
  try {
    yield* decoderFor(compression)(compressed, warn);
  } catch (error) {
    if (error instanceof DecodeError) throw new InputError(name, error.reason, error.offset, error.offsetKind);
    throw error;
  }
}
