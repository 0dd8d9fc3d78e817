/**
 * The fuzz worker: runs cases in-process through runCli and reports each one to the parent,
 * which keeps the watchdog. Posts `ready` once loaded, then for every `run` a `start` and a
 * `done`. Run directly (as `node --test dist/test` does with every file), it does nothing.
 */
import { FdSink } from '../../src/output/sink.js';
import { closeSync, openSync } from 'node:fs';
import { isMainThread, parentPort } from 'node:worker_threads';
import { messageShapeOk } from './oracle.js';

export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly argv: readonly string[];
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'start'; readonly id: number }
  | {
      readonly type: 'done';
      readonly id: number;
      readonly code: number;
      readonly messages: string[];
      readonly droppedMessages: number;
      /** Messages (clipped) whose full text fails the shape check: judged here, before clipping. */
      readonly badShape: string[];
      readonly ms: number;
      /** Set when runCli threw, which it promises never to do. */
      readonly threw?: string;
    };

/** Messages kept per case; a run over thousands of files may say thousands of things. */
const MAX_MESSAGES = 200;
const MAX_MESSAGE_CHARS = 4000;

async function serve(port: NonNullable<typeof parentPort>): Promise<void> {
  const { runCli } = await import('../../src/cli/run.js');
  const outFd = openSync('/dev/null', 'w');
  const post = (reply: WorkerReply): void => port.postMessage(reply);
  port.on('message', (request: RunRequest) => {
    void (async () => {
      post({ type: 'start', id: request.id });
      const messages: string[] = [];
      const badShape: string[] = [];
      let dropped = 0;
      const clip = (line: string): string => (line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}...` : line);
      const errorLine = (line: string): void => {
        const text = String(line);
        if (messages.length < MAX_MESSAGES) messages.push(clip(text));
        else dropped++;
        if (!messageShapeOk(text) && badShape.length < MAX_MESSAGES) badShape.push(clip(text));
      };
      const started = performance.now();
      let code = -1;
      let threw: string | undefined;
      try {
        code = await runCli(request.argv, { out: new FdSink(outFd), errorLine });
      } catch (error) {
        threw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      const ms = performance.now() - started;
      post({ type: 'done', id: request.id, code, messages, droppedMessages: dropped, badShape, ms, ...(threw !== undefined ? { threw } : {}) });
    })();
  });
  port.once('close', () => closeSync(outFd));
  post({ type: 'ready' });
}

if (!isMainThread && parentPort) void serve(parentPort);
