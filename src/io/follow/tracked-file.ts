import type { FileHandle } from 'node:fs/promises';
import type { Source } from '../../core/source.js';
import { HEAD_BYTES, readAt, readHead, sameStart, storedIdentity, type StoredIdentity } from './identity.js';
import type { LineAssembler, Piece } from './line-assembler.js';

/** Bytes kept from just before the delivered offset, to recognise a copy of what was read. */
const MARKER_BYTES = 64;
const EMPTY = Buffer.alloc(0);

/**
 * What a file held before it was truncated: its first bytes, the bytes just before where
 * delivery stopped, and that offset. A copy of it (copytruncate's rotated file, when it is among
 * the followed paths) starts with the same bytes and has the marker at the offset: it is read from
 * there on, so the lines between the last read and the truncation are not lost.
 */
export interface Remnant {
  readonly head: Buffer;
  readonly marker: Buffer;
  readonly offset: number;
}

/**
 * - live: a followed path leads to it;
 * - draining: no followed path leads to it any more (renamed away, deleted): still read through
 *   its open descriptor, which survives both, until idle, then closed;
 * - held: a copy of a live file that has not been truncated yet (copytruncate's copy made, the
 *   truncation to come): not read, so its content is not delivered twice; released at `offset`
 *   when the original's truncation is seen.
 */
export type FileState = 'live' | 'draining' | 'held';

/**
 * One followed regular file, open from first sight to its end: its identity (device, inode, first
 * bytes), the read position, the offset of the end of the last complete line delivered, and the
 * unfinished line. Reads are positional, on the thread pool; nothing blocks the event loop.
 */
export class TrackedFile {
  state: FileState = 'live';
  /** False for a file that appeared while following and has not been placed yet (it is not read until it is). */
  classified = true;
  /** A compressed file (a finished rotation): never read. */
  compressed = false;
  /** For a held copy: the live file it is a copy of. */
  heldFor: TrackedFile | null = null;
  /** The next byte to read. */
  pos: number;
  /** Just after the last newline delivered (read position less the held unfinished line). */
  delivered: number;
  /** When bytes last arrived (or the state last changed): a draining file closes once idle long enough. */
  lastActivity = Date.now();
  private head: Buffer;
  private marker: Buffer = EMPTY;

  constructor(
    readonly source: Source,
    /** The path that leads to it now (renames within the followed paths update it). */
    public path: string,
    readonly fh: FileHandle,
    readonly dev: string,
    readonly ino: string,
    head: Buffer,
    start: number,
    readonly lines: LineAssembler,
  ) {
    this.head = head;
    this.pos = start;
    this.delivered = start;
  }

  get identity(): StoredIdentity {
    return storedIdentity({ dev: this.dev, ino: this.ino, head: this.head });
  }

  /** The first bytes as last seen. */
  get firstBytes(): Buffer {
    return this.head;
  }

  /** The last bytes before `delivered` (up to MARKER_BYTES). */
  get lastBytes(): Buffer {
    return this.marker;
  }

  /**
   * Reads what was appended since the last read, up to the end, as pieces of whole lines. A
   * truncation (size below the read position, or the first bytes changed) is looked for after
   * every read and before its bytes go on, and when the size says nothing was appended: the read
   * is then dropped and reading starts again at offset 0, since what it returned may be new
   * content that the restart reads anyway.
   */
  async *read(buffer: (size: number) => Buffer, chunkSize: number, onTruncated: (remnant: Remnant) => void): AsyncGenerator<Piece> {
    for (;;) {
      const size = Number((await this.fh.stat({ bigint: true })).size);
      if (size < this.pos) {
        this.truncated(onTruncated);
        continue;
      }
      if (size === this.pos) {
        // Truncated and written again up to exactly where reading stood (copytruncate of lines
        // of one length does it): the size says "nothing new", only the first bytes tell.
        if (size > 0 && !this.holdsSameStart(await readHead(this.fh), size)) {
          this.truncated(onTruncated);
          continue;
        }
        return;
      }
      const want = Math.min(chunkSize, size - this.pos);
      const buf = buffer(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, this.pos);
      if (bytesRead === 0) return;
      const head = await readHead(this.fh);
      if (!this.holdsSameStart(head, this.pos + bytesRead)) {
        this.truncated(onTruncated);
        continue;
      }
      if (head.length > this.head.length) this.head = head; // a short file's identity grows with it
      const at = this.pos;
      this.pos += bytesRead;
      this.lastActivity = Date.now();
      yield* this.lines.push(this.source, buf.subarray(0, bytesRead), at);
    }
  }

  /** Called once the consumer is done with `piece`: its lines count as delivered. */
  accept(piece: Piece): void {
    this.delivered = piece.end;
    const buf = piece.batch.buf;
    // The batch's bytes end at piece.end (its last newline): keep the last few, copied.
    this.marker =
      buf.length >= MARKER_BYTES
        ? Buffer.from(buf.subarray(buf.length - MARKER_BYTES))
        : Buffer.concat([this.marker, buf]).subarray(-MARKER_BYTES);
  }

  /** The held unfinished line as a last line (the file is finished), as a piece ending at the read position. */
  flushLast(): Piece | null {
    const batch = this.lines.flush(this.source);
    return batch ? { batch, end: this.pos } : null;
  }

  /** Where a newly placed file starts, and its first bytes as seen when it was placed. */
  restartAt(offset: number, head: Buffer): void {
    this.pos = offset;
    this.delivered = offset;
    this.head = head;
  }

  /**
   * For a file resumed at a checkpoint's offset: the bytes before it become the marker, so a copy
   * of it is told from a look-alike (same first bytes) as it would be had those lines been read now.
   */
  async loadMarker(): Promise<void> {
    const n = Math.min(MARKER_BYTES, this.delivered);
    this.marker = n > 0 ? await readAt(this.fh, this.delivered - n, n) : EMPTY;
  }

  /** Starts delivering a held copy at `offset` (where its original's reading stopped). */
  release(offset: number): void {
    this.state = 'live';
    this.heldFor = null;
    this.pos = offset;
    this.delivered = offset;
    this.lastActivity = Date.now();
  }

  /**
   * Whether `head`, read after bytes up to `end` were read, shows the same file content: its first
   * bytes start like the identity's, and there are as many as a file that long has (up to
   * HEAD_BYTES). A head shorter than that means the file was truncated after the read (a copy
   * made, the file emptied, nothing written yet): the bytes just read may belong to the next
   * content, so they must not go on as this one's (seen at 100 rotations: the end of one
   * generation delivered as the end of the one before).
   */
  private holdsSameStart(head: Buffer, end: number): boolean {
    return head.length >= Math.min(HEAD_BYTES, end) && sameStart(this.head, head);
  }

  private truncated(onTruncated: (remnant: Remnant) => void): void {
    onTruncated({ head: this.head, marker: this.marker, offset: this.delivered });
    this.head = EMPTY;
    this.marker = EMPTY;
    this.pos = 0;
    this.delivered = 0;
    this.lines.reset();
  }

  /**
   * Whether a file whose first bytes are `head`, with `size` bytes, holding `markerAt` (its bytes
   * just before `offset`) is a copy of what this file (or its remnant) held up to `offset`.
   */
  static isCopyOf(original: { head: Buffer; marker: Buffer; offset: number }, head: Buffer, size: number, markerAt: Buffer): boolean {
    if (original.offset === 0 || size < original.offset) return false;
    const n = Math.min(original.head.length, head.length);
    return n > 0 && original.head.subarray(0, n).equals(head.subarray(0, n)) && markerAt.equals(original.marker);
  }
}
