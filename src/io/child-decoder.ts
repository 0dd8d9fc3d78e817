import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { DecodeError, type Decoder } from './decoder.js';

/** How a tool's failure reads in logsift's words. */
export type DescribeFailure = (stderr: string, exitCode: number | null) => string;

/** Bytes of a failing tool's stderr kept for the message. */
const STDERR_KEPT = 4096;

/**
 * A decoder that runs a system tool (`zstd -dc`, `lbzip2 -dc`) as a child process: the tool is the
 * reference implementation (byte-identical output, every checksum verified), and it decodes on
 * another core while this thread parses. Compressed chunks are written to its stdin as they come;
 * its stdout is pulled, so a consumer that stops pulling stops the tool (the pipe fills): bounded
 * memory whatever the ratio.
 *
 * A tool writes output before it has verified all of it (zstd checks a frame's checksum at the
 * frame's end), so its exit status is what decides: non-zero becomes a DecodeError naming the
 * decompressed byte reached. Stopping early kills the tool; its status is then ignored.
 */
export function childDecoder(command: string, args: readonly string[], describe: DescribeFailure): Decoder {
  return async function* decodeWithChild(compressed) {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      if (stderr.length < STDERR_KEPT) stderr += text;
    });
    // A tool that exits early (corrupt input) closes its stdin: later writes fail with EPIPE.
    child.stdin.on('error', () => {});
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    exited.catch(() => {});
    let spawnError: Error | undefined;
    child.on('error', (error) => {
      spawnError ??= error;
    });

    let feedError: unknown;
    let stopFeeding = false;
    const feed = (async () => {
      try {
        for await (const chunk of compressed) {
          if (stopFeeding || child.stdin.destroyed) break;
          if (!child.stdin.write(chunk)) await writable(child.stdin);
        }
      } catch (error) {
        feedError = error;
      } finally {
        child.stdin.end();
      }
    })();

    let decoded = 0;
    let finished = false;
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        decoded += chunk.length;
        yield chunk;
      }
      await feed;
      if (feedError !== undefined) throw feedError; // the input itself failed (a read error)
      const [code] = await exited;
      if (spawnError) throw new DecodeError(`cannot run ${command}: ${spawnError.message}`);
      if (code !== 0) throw new DecodeError(describe(stderr, code), decoded, 'decompressed');
      finished = true;
    } finally {
      if (!finished) {
        stopFeeding = true;
        child.kill('SIGTERM');
        await feed.catch(() => {});
        await exited.catch(() => {}); // its pipes are closed once it is gone
      }
    }
  };
}

/** The tool's own reason, from the last line it wrote: `... : Data corruption detected` -> `data corruption detected`. */
export function toolReason(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const last = lines.find((line) => /error|corrupt|unexpected|premature|mismatch|magic/i.test(line)) ?? lines[lines.length - 1] ?? '';
  const reason = last.slice(last.lastIndexOf(' : ') >= 0 ? last.lastIndexOf(' : ') + 3 : 0).replace(/^[a-z0-9]+: (stdin: )?/i, '');
  return reason.charAt(0).toLowerCase() + reason.slice(1).replace(/[.;]$/, '');
}

/** Resolves when `stream` can take more (or went away), leaving no listener behind. */
function writable(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
