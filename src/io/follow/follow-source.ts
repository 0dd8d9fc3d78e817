import { open, stat, type FileHandle } from 'node:fs/promises';
import type { LineBatch } from '../../core/batch.js';
import { InputError } from '../../core/errors.js';
import { STDIN_SOURCE, type Source } from '../../core/source.js';
import { describeFsError } from '../fs-errors.js';
import type { LineArrays } from '../lines.js';
import { detectCompression } from '../sniff.js';
import type { FilePosition } from './checkpoint.js';
import { classifySpec, currentPaths, directoriesToWatch, type FollowSpec } from './follow-paths.js';
import { hashOf, matchesStored, readAt, readHead } from './identity.js';
import { LineAssembler } from './line-assembler.js';
import { END_OF_WRITER, StreamInput } from './stream-input.js';
import { TrackedFile, type Remnant } from './tracked-file.js';
import { Wakeups } from './wakeups.js';

export interface FollowOptions {
  /** Where files that exist at start are read from (files that appear later are read from their start). */
  readonly from: 'start' | 'end';
  /** Positions of a checkpoint: files found again resume there; files it does not know are read from their start. */
  readonly resume?: readonly FilePosition[] | null;
  /** The safety-net poll (ms). */
  readonly pollMs?: number;
  /** How long a renamed or deleted file must stay idle before it is closed (ms). */
  readonly rotateWaitMs?: number;
  readonly maxLineLength: number;
  readonly chunkSize: number;
  /** One read buffer for all files: a batch is valid only until the next is pulled. */
  readonly reuseBuffers: boolean;
  onError(error: InputError): void;
  /** Told things worth a line on stderr that are no error (a path waited for). */
  onNote?(message: string): void;
  onLongLine?(source: string, line: number, limit: number): void;
  /**
   * Awaited before the first lines of a file go on, with its first bytes (up to 64 KiB): the
   * engine detects its format there, so no batch is held back waiting for more lines.
   */
  prepare?(source: Source, head: Buffer): Promise<void> | void;
}

/** Bytes of a file's start handed to `prepare`. */
const PREPARE_BYTES = 64 * 1024;
/** Remnants of truncated files kept for recognising their copies. */
const REMNANTS_KEPT = 16;
/** How long a new file that looks like a copy still being written is left unread (ms). */
const COPY_DEFER_MS = 5000;

/**
 * Follows files, directories, globs, standard input and FIFOs as one stream of line batches, the
 * same batches the engine's other sources yield, so parse and filters run on them unchanged.
 * It never ends by itself while a file spec is followed (`stop()` ends it); standard input alone
 * ends at its end.
 *
 * Files are told apart by identity (device, inode, first bytes), never by name: a renamed file
 * stays the same file; a path that leads to a new identity is a new file, read from its start,
 * while the old one is drained through its open descriptor until idle (rename + create); a
 * truncated file (size below the read position, or changed first bytes) is read again from its
 * start (copytruncate), and a copy of it among the followed paths goes on where reading stopped.
 *
 * Delivery: a batch counts as delivered once the consumer asks for the next one (the pipeline is
 * sequential), and only then does its file's `delivered` offset move; `positions()` gives those
 * offsets for a checkpoint.
 */
export class FollowSource {
  private specs: FollowSpec[] = [];
  private files: TrackedFile[] = [];
  private readonly streams: StreamInput[] = [];
  private remnants: KeptRemnant[] = [];
  private readonly wake: Wakeups;
  private stopping = false;
  private readonly reported = new Set<string>();
  private readonly prepared = new WeakSet<Source>();
  private readonly deferred = new Map<string, number>();
  private shared: Buffer | null = null;
  private readonly arrays: LineArrays | undefined;
  private resume: FilePosition[] | null;
  /** Paths that did not exist when the specs were classified (only until the first look is done). */
  private readonly waitedFor = new Set<string>();
  /** True while a batch is with the consumer (the generator is suspended at its yield). */
  private parked = false;
  /** A look started while parked; awaited before the generator goes on. */
  private looking: Promise<void> | null = null;
  /** Bumped at each delivery (and when a remnant is kept), so a checkpoint is written only when something changed. */
  deliveries = 0;

  constructor(
    private readonly inputs: readonly string[],
    private readonly options: FollowOptions,
  ) {
    this.wake = new Wakeups(options.pollMs ?? 500, () => this.lookWhileParked());
    this.arrays = options.reuseBuffers ? { starts: new Int32Array(0), ends: new Int32Array(0), sel: new Uint32Array(0) } : undefined;
    this.resume = options.resume ? [...options.resume] : null;
  }

  /** Ends `batches()` at its next step: the batch being consumed is the last. */
  stop(): void {
    this.stopping = true;
    for (const s of this.streams) s.stop();
    this.wake.close();
  }

  /**
   * Where delivery stands for each followed file (held copies and files not placed yet have
   * delivered nothing), and for the content of truncated files whose copies were not seen yet.
   */
  positions(): FilePosition[] {
    const files = this.files.filter((f) => f.state !== 'held' && f.classified && !f.compressed).map((f) => ({ path: f.path, ...f.identity, offset: f.delivered }));
    // What was delivered of a truncated file's content whose copy has not been seen yet: a
    // restart finds the copy by these first bytes and goes on there, instead of reading it
    // from its start again (seen: a SIGTERM restart just after a copytruncate doubled the lines
    // read before it).
    const remnants = this.remnants.map((r) => ({ path: r.path, dev: r.dev, ino: r.ino, headLength: r.head.length, headHash: hashOf(r.head), offset: r.offset }));
    return [...files, ...remnants];
  }

  async *batches(): AsyncGenerator<LineBatch> {
    try {
      this.specs = await Promise.all(this.inputs.map((i) => classifySpec(i)));
      for (const spec of this.specs) {
        if (spec.kind === 'path' && spec.missing) this.options.onNote?.(`logsift: ${spec.path}: does not exist yet; waiting for it`);
        if (spec.kind === 'stdin' || spec.kind === 'stream') this.startStream(spec.kind === 'stdin' ? STDIN_SOURCE : { name: spec.path, path: spec.path, size: null });
      }
      const followsFiles = this.specs.some((s) => s.kind !== 'stdin' && s.kind !== 'stream');
      // A path waited for that appears before the first look did not exist at start: read from its start.
      for (const spec of this.specs) if (spec.kind === 'path' && spec.missing) this.waitedFor.add(spec.path);
      await this.look(true);
      this.resume = null;
      this.waitedFor.clear();
      this.wake.start();
      while (!this.stopping) {
        yield* this.streamBatches();
        for (const f of [...this.files]) {
          if (this.stopping) break;
          if (this.wake.takeFull()) await this.look(false);
          yield* this.fileBatches(f);
        }
        if (this.stopping) break;
        if (!followsFiles && this.streams.every((s) => s.finished)) break;
        const w = await this.wake.next();
        if (w.full && !this.stopping) await this.look(false);
      }
    } finally {
      this.wake.close();
      await this.looking;
      for (const s of this.streams) s.stop();
      // The files stay listed: their positions are the final checkpoint's.
      await Promise.all(this.files.map((f) => f.fh.close().catch(() => {})));
    }
  }

  private startStream(source: Source): void {
    const s = new StreamInput(source, this.assembler(), () => this.wake.notify(false), (e) => this.reportOnce(e));
    this.streams.push(s);
    void s.pump();
  }

  private assembler(): LineAssembler {
    return new LineAssembler(this.options.maxLineLength, this.arrays, (source, line) =>
      this.options.onLongLine?.(source.name, line, this.options.maxLineLength),
    );
  }

  private async *streamBatches(): AsyncGenerator<LineBatch> {
    for (const s of this.streams) {
      for (const chunk of s.take()) {
        if (chunk === END_OF_WRITER) {
          const last = s.lines.flush(s.source);
          if (last) yield* this.hand(last);
        } else {
          for (const piece of s.lines.push(s.source, chunk, 0)) yield* this.hand(piece.batch);
        }
        if (this.stopping) return;
      }
    }
  }

  /**
   * Hands a batch to the consumer. While the consumer has it (its output may wait for seconds on a
   * slow sink), a name change or the poll still looks the paths up, so a file created and renamed
   * away again meanwhile is opened (held by its descriptor) rather than never seen; the look is
   * done before reading goes on.
   */
  private async *hand(batch: LineBatch): AsyncGenerator<LineBatch> {
    this.parked = true;
    try {
      yield batch;
    } finally {
      this.parked = false;
    }
    if (this.looking) await this.looking;
  }

  /** A full wake-up while a batch is with the consumer: look now, in the background (one at a time). */
  private lookWhileParked(): void {
    if (!this.parked || this.looking || this.stopping) return;
    this.wake.takeFull();
    this.looking = this.look(false)
      .catch((error: unknown) => this.reportOnce(new InputError('follow', describeFsError(error))))
      .finally(() => (this.looking = null));
  }

  private buffer = (size: number): Buffer => {
    if (!this.options.reuseBuffers) return Buffer.allocUnsafe(size);
    return (this.shared ??= Buffer.allocUnsafe(this.options.chunkSize));
  };

  /** What was appended to `f` since the last look; a drained, idle rotated file is closed here. */
  private async *fileBatches(f: TrackedFile): AsyncGenerator<LineBatch> {
    if (f.state === 'held' || f.compressed) return;
    try {
      if (!f.classified && !(await this.classify(f))) {
        // Renamed away or deleted while still empty (or a look-alike never placed), and idle:
        // closed, or its descriptor would stay open for good.
        if (f.state === 'draining' && Date.now() - f.lastActivity >= (this.options.rotateWaitMs ?? 1000)) await this.forget(f);
        return;
      }
      for await (const piece of f.read(this.buffer, this.options.chunkSize, (r) => this.truncated(f, r))) {
        if (!this.prepared.has(f.source)) {
          this.prepared.add(f.source);
          await this.options.prepare?.(f.source, await readAt(f.fh, 0, PREPARE_BYTES));
        }
        yield* this.hand(piece.batch);
        f.accept(piece);
        this.deliveries++;
        if (this.stopping) return;
        // A rotation while this file is read (a long catch-up): see the new file before it moves on.
        if (this.wake.takeFull()) await this.look(false);
      }
    } catch (error) {
      this.reportOnce(new InputError(f.path, describeFsError(error)));
      await this.forget(f);
      return;
    }
    if (f.state === 'draining' && Date.now() - f.lastActivity >= (this.options.rotateWaitMs ?? 1000)) {
      // Renamed away or deleted, and idle: nobody writes to it any more, so its unfinished line is its last.
      const last = f.flushLast();
      if (last) {
        yield* this.hand(last.batch);
        f.accept(last);
        this.deliveries++;
      }
      await this.forget(f);
    }
  }

  private async forget(f: TrackedFile): Promise<void> {
    this.files = this.files.filter((x) => x !== f);
    await f.fh.close().catch(() => {});
    // A copy held back for this file would otherwise wait forever: what is past its delivered offset is new.
    for (const held of this.files) if (held.heldFor === f) held.release(f.delivered);
  }

  /**
   * Places a file that appeared while following, once it has content: read from its start, or,
   * when it is the copy of a followed file, from where that file's reading stopped (or held until
   * that file's truncation). False while it cannot be told yet (empty, or a copy still being written).
   */
  private async classify(f: TrackedFile): Promise<boolean> {
    const size = Number((await f.fh.stat({ bigint: true })).size);
    if (size === 0) return false;
    const head = await readHead(f.fh);
    if (isCompressed(f, head)) return false;
    const place = await this.startOf(f.fh, f.dev, f.ino, head, size, false);
    if (place === 'defer') return false;
    f.classified = true;
    this.deferred.delete(`${f.dev}:${f.ino}`);
    f.restartAt(place.start, head);
    if (place.heldFor) {
      f.state = 'held';
      f.heldFor = place.heldFor;
      return false;
    }
    return true;
  }

  /** A followed file was truncated: release its held copy there, or remember what it held for a copy still to come. */
  private truncated(f: TrackedFile, remnant: Remnant): void {
    const held = this.files.find((x) => x.state === 'held' && x.heldFor === f);
    if (held) {
      held.release(remnant.offset);
      this.wake.notify(false);
    } else if (remnant.offset > 0) {
      this.remnants = [...this.remnants.slice(-(REMNANTS_KEPT - 1)), { ...remnant, path: f.path, dev: f.dev, ino: f.ino }];
      this.deliveries++; // the positions changed (a remnant to keep): the next checkpoint must be written
    }
  }

  /** Looks the followed paths up again: renames, new files, files gone. */
  private async look(initial: boolean): Promise<void> {
    const paths = await currentPaths(this.specs, (e) => this.reportOnce(e));
    if (this.stopping) return;
    this.wake.watchDirectories(directoriesToWatch(this.specs));
    const seen = new Set<TrackedFile>();
    for (const path of paths) {
      let st;
      try {
        st = await stat(path, { bigint: true });
      } catch {
        continue; // gone since it was listed
      }
      const known = this.files.find((f) => f.dev === String(st.dev) && f.ino === String(st.ino));
      if (known) {
        known.path = path;
        seen.add(known);
        if (known.state === 'draining') known.state = 'live'; // a followed path leads to it again
        continue;
      }
      const f = await this.openFile(path, initial);
      if (f) seen.add(f);
    }
    for (const f of [...this.files]) {
      if (seen.has(f)) continue;
      if (f.state === 'held') await this.forget(f);
      else if (f.state === 'live') {
        f.state = 'draining';
        f.lastActivity = Date.now();
      }
    }
  }

  private async openFile(path: string, initial: boolean): Promise<TrackedFile | null> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (error) {
      this.reportOnce(new InputError(path, describeFsError(error)));
      return null;
    }
    try {
      // The descriptor's identity decides: the path may lead elsewhere since it was listed.
      const st = await fh.stat({ bigint: true });
      const dev = String(st.dev);
      const ino = String(st.ino);
      const size = Number(st.size);
      const same = this.files.find((f) => f.dev === dev && f.ino === ino);
      if (same) {
        await fh.close();
        return same;
      }
      const head = await readHead(fh);
      // Files there at start are placed now; a file that appears later is opened at once (held
      // open, a rename cannot take it away) and placed once it has content (see classify).
      const place = initial ? await this.startOf(fh, dev, ino, head, size, true, this.waitedFor.has(path)) : { start: 0 };
      const f = new TrackedFile({ name: path, path, size: null }, path, fh, dev, ino, head, place === 'defer' ? 0 : place.start, this.assembler());
      // A file at start that looks like a copy still being written is placed later, like a new one.
      f.classified = initial && place !== 'defer';
      if (place !== 'defer' && place.heldFor) {
        f.state = 'held';
        f.heldFor = place.heldFor;
      }
      if (f.classified) isCompressed(f, head);
      if (f.classified && f.delivered > 0) await f.loadMarker();
      this.files.push(f);
      return f;
    } catch (error) {
      await fh.close().catch(() => {});
      this.reportOnce(new InputError(path, describeFsError(error)));
      return null;
    }
  }

  /**
   * Where to start reading a file seen for the first time: at a checkpoint's position (its
   * identity, or a copy of its content, found again), at the start or the end (files there at
   * start), or, for a file that appeared while following, at its start unless it is the copy of a
   * followed file (copytruncate): then where reading of the original stopped, or held until the
   * original is truncated.
   */
  private async startOf(
    fh: FileHandle,
    dev: string,
    ino: string,
    head: Buffer,
    size: number,
    initial: boolean,
    appeared = false,
  ): Promise<{ start: number; heldFor?: TrackedFile } | 'defer'> {
    if (initial && this.resume) {
      const exact = this.resume.findIndex((p) => matchesStored(p, dev, ino, head));
      const copied =
        exact >= 0
          ? -1
          : this.resume.findIndex((p) => p.headLength > 0 && p.offset <= size && head.length >= p.headLength && hashOf(head.subarray(0, p.headLength)) === p.headHash);
      const at = exact >= 0 ? exact : copied;
      if (at >= 0) {
        const position = this.resume.splice(at, 1)[0]!;
        return { start: position.offset <= size ? position.offset : 0 };
      }
      // Unknown to the checkpoint: new since, so read from its start, unless it is the copy of a
      // file resumed just now whose truncation has not come yet (copytruncate caught between its
      // copy and its truncation by the restart): then held for it, as while following.
    } else if (initial) {
      // A file that did not exist when following began is new content, whenever the first look came.
      return { start: this.options.from === 'start' || appeared ? 0 : await lineAlignedEnd(fh, size) };
    }

    let looksLikeCopy = false;
    const candidates: { original: { head: Buffer; marker: Buffer; offset: number }; remnant?: Remnant; live?: TrackedFile }[] = [
      ...this.remnants.map((r) => ({ original: r, remnant: r })),
      ...this.files
        .filter((t) => t.state === 'live' && t.classified && t.delivered > 0)
        .map((t) => ({ original: { head: t.firstBytes, marker: t.lastBytes, offset: t.delivered }, live: t })),
    ];
    for (const c of candidates) {
      const n = Math.min(c.original.head.length, head.length);
      if (n === 0 || !c.original.head.subarray(0, n).equals(head.subarray(0, n))) continue;
      looksLikeCopy = true;
      const markerAt = await readAt(fh, c.original.offset - c.original.marker.length, c.original.marker.length);
      if (!TrackedFile.isCopyOf(c.original, head, size, markerAt)) continue;
      if (c.remnant) {
        this.remnants = this.remnants.filter((r) => r !== c.remnant);
        return { start: c.remnant.offset };
      }
      return { start: 0, heldFor: c.live! };
    }
    if (looksLikeCopy) {
      // Starts like a followed file but is shorter than what was read of it: a copy still being
      // written, or a new file with the same header. Left for a while, then read as new.
      const key = `${dev}:${ino}`;
      const since = this.deferred.get(key) ?? Date.now();
      this.deferred.set(key, since);
      if (Date.now() - since < COPY_DEFER_MS) return 'defer';
    }
    return { start: 0 };
  }

  private reportOnce(error: InputError): void {
    if (this.reported.has(error.message)) return;
    this.reported.add(error.message);
    this.options.onError(error);
  }
}

/** A truncated file's remnant, with the file it came from (for checkpoints). */
type KeptRemnant = Remnant & { readonly path: string; readonly dev: string; readonly ino: string };

/**
 * A compressed file among the followed paths (`access.log.2.gz` below a followed directory) is a
 * finished rotation of content already read from the live file: it is kept open (so it is known
 * when seen again) but never read, or its lines would be delivered twice.
 */
function isCompressed(f: TrackedFile, head: Buffer): boolean {
  if (detectCompression(head) === null) return false;
  f.compressed = true;
  f.classified = true;
  return true;
}

/** The end of the last complete line at or before `size`: following from the end never starts mid-line. */
async function lineAlignedEnd(fh: FileHandle, size: number): Promise<number> {
  const window = Math.min(size, 64 * 1024);
  const tail = await readAt(fh, size - window, window);
  const nl = tail.lastIndexOf(0x0a);
  return nl < 0 ? size : size - window + nl + 1;
}
