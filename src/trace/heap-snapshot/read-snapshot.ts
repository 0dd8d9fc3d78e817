import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A V8 heap snapshot (.heapsnapshot) in flat arrays, as V8 writes it. */
export interface HeapGraph {
  readonly nodeFields: readonly string[];
  /** The names of node types, by the value of a node's `type` field. */
  readonly nodeTypes: readonly string[];
  readonly edgeFields: readonly string[];
  readonly edgeTypes: readonly string[];
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** nodeCount × nodeFields.length values. */
  readonly nodes: Float64Array;
  /** edgeCount × edgeFields.length values; `to_node` is an offset into `nodes`. */
  readonly edges: Float64Array;
  readonly strings: readonly string[];
}

const CHUNK = 4 * 1024 * 1024;

/**
 * Reads a heap snapshot without JSON.parse on the whole file (several hundred MB for a big heap):
 * the header is parsed as JSON, the node and edge arrays are scanned number by number straight
 * into typed arrays, the trace sections are skipped, and only the strings are parsed as JSON.
 */
export function readHeapSnapshot(path: string): HeapGraph {
  const fd = openSync(path, 'r');
  try {
    const reader = new ChunkReader(fd);
    const head = reader.until('"nodes":[');
    const meta = JSON.parse(head.replace(/,\s*$/, '') + '}') as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }; node_count: number; edge_count: number };
    };
    const m = meta.snapshot.meta;
    const nodes = reader.numbers(meta.snapshot.node_count * m.node_fields.length);
    reader.until('"edges":[');
    const edges = reader.numbers(meta.snapshot.edge_count * m.edge_fields.length);
    reader.until('"strings":[');
    const rest = reader.rest();
    const strings = JSON.parse('[' + rest.slice(0, rest.lastIndexOf(']') + 1)) as string[];
    return {
      nodeFields: m.node_fields,
      nodeTypes: m.node_types[0],
      edgeFields: m.edge_fields,
      edgeTypes: m.edge_types[0],
      nodeCount: meta.snapshot.node_count,
      edgeCount: meta.snapshot.edge_count,
      nodes,
      edges,
      strings,
    };
  } finally {
    closeSync(fd);
  }
}

class ChunkReader {
  private text = '';
  private pos = 0;
  private done = false;
  private readonly buf = Buffer.alloc(CHUNK);
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly fd: number) {}

  private more(): boolean {
    if (this.done) return false;
    const n = readSync(this.fd, this.buf, 0, CHUNK, null);
    if (n === 0) {
      this.done = true;
      this.text = this.text.slice(this.pos) + this.decoder.end();
      this.pos = 0;
      return this.text.length > 0;
    }
    this.text = this.text.slice(this.pos) + this.decoder.write(this.buf.subarray(0, n));
    this.pos = 0;
    return true;
  }

  /** The text up to `marker` (which is consumed). */
  until(marker: string): string {
    let taken = '';
    for (;;) {
      const i = this.text.indexOf(marker, this.pos);
      if (i >= 0) {
        taken += this.text.slice(this.pos, i);
        this.pos = i + marker.length;
        return taken;
      }
      // Keep a marker's length back: it may straddle two chunks.
      const keep = Math.max(this.pos, this.text.length - marker.length);
      taken += this.text.slice(this.pos, keep);
      this.pos = keep;
      if (!this.more()) throw new Error(`not a heap snapshot: "${marker}" missing`);
    }
  }

  /** `count` comma-separated whole numbers, then the closing `]`. */
  numbers(count: number): Float64Array {
    const out = new Float64Array(count);
    let k = 0;
    let value = 0;
    let inNumber = false;
    for (;;) {
      const t = this.text;
      for (let i = this.pos; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c >= 48 && c <= 57) {
          value = value * 10 + (c - 48);
          inNumber = true;
        } else {
          if (inNumber) {
            if (k < count) out[k] = value;
            k++;
            value = 0;
            inNumber = false;
          }
          if (c === 93) {
            this.pos = i + 1;
            if (k !== count) throw new Error(`not a heap snapshot: ${k} values where ${count} were announced`);
            return out;
          }
        }
      }
      this.pos = t.length;
      if (!this.more()) throw new Error('not a heap snapshot: it ends inside an array');
    }
  }

  rest(): string {
    const parts = [this.text.slice(this.pos)];
    this.text = '';
    this.pos = 0;
    while (this.more()) {
      parts.push(this.text);
      this.text = '';
    }
    return parts.join('');
  }
}
