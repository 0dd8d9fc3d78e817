import type { LineBatch } from '../../core/batch.js';
import type { Value } from '../../core/value.js';
import { LINE_FIELD, type FieldReader, type FieldSpec, type LogFormat, type RowParser } from '../../core/format.js';
import { LINE_READER, withLineField } from '../line-field.js';
import { fieldRefs, fieldValue, type AccessFieldRef } from './access-fields.js';
import { accessReader } from './access-readers.js';
import { SpanState } from '../span-state.js';
import { ForwardMatcher } from './forward-matcher.js';
import { WRITE_NUM, WRITE_SPAN } from './forward-source.js';
import { AccessMatcher } from './matcher.js';
import { CLEAN, GLUED, QUOTE_INSIDE, SuspectLines } from './suspect-lines.js';
import type { Template } from './template.js';

/** An access-log format compiled from an Apache LogFormat or nginx log_format string. */
export class AccessLogFormat implements LogFormat {
  readonly fields: readonly FieldSpec[];
  /** Name (and alias) -> where the field lives. */
  readonly refs: ReadonlyMap<string, AccessFieldRef>;

  constructor(
    readonly name: string,
    readonly template: Template,
  ) {
    this.refs = fieldRefs(template);
    // Template fields in line order, the request's parts right after the request.
    const own = [...this.refs].filter(([name, ref]) => name === ref.name).map(([, ref]) => ref);
    const specs: FieldSpec[] = [];
    // Grouped in one pass: a format string may hold thousands of directives.
    const aliasesByRef = new Map<AccessFieldRef, string[]>();
    for (const [name, ref] of this.refs) {
      if (name === ref.name) continue;
      const list = aliasesByRef.get(ref);
      if (list) list.push(name);
      else aliasesByRef.set(ref, [name]);
    }
    const aliasesOf = (ref: AccessFieldRef): { aliases?: string[] } => {
      const aliases = aliasesByRef.get(ref);
      return aliases ? { aliases } : {};
    };
    for (const ref of own) {
      if (ref.derived) continue;
      specs.push({ name: ref.name, type: ref.type, ...aliasesOf(ref) });
      if (ref.name === 'request') for (const part of own) if (part.derived) specs.push({ name: part.name, type: part.type });
    }
    this.fields = withLineField(specs);
  }

  parser(needed: ReadonlySet<string> | null): AccessRowParser {
    return new AccessRowParser(this, needed);
  }
}

/**
 * Parses batches of access-log lines. Each line goes first through the ForwardMatcher (one pass,
 * compiled for the template, right for nearly every line), and when that cannot decide, through
 * the backtracking AccessMatcher, which decides; both give the same answer for a line the first
 * accepts.
 *
 * Every line is matched whole (a combined line truncated inside its user agent is malformed for
 * `count by status` too), so which lines are malformed never depends on the query. What is
 * *stored* does: only the spans and numbers of the needed fields. Strings are never decoded
 * here, only located, and the request line is split by the readers of its parts.
 */
export class AccessRowParser implements RowParser {
  private readonly matcher: AccessMatcher;
  private forward: ForwardMatcher;
  private readonly state: SpanState;
  private readonly needed: Set<string> | null;
  /** Glued and repaired lines (suspect-lines.ts): which lines those are never depends on the query. */
  private readonly suspects: SuspectLines;
  /** The batch whose rows `state` describes, so that a late reader() can complete them. */
  private lastBatch: LineBatch | null = null;

  constructor(
    readonly format: AccessLogFormat,
    needed: ReadonlySet<string> | null,
  ) {
    const n = format.template.fields.length;
    this.matcher = new AccessMatcher(format.template);
    this.state = new SpanState(2 * n, n);
    this.needed = needed === null ? null : new Set(needed);
    this.suspects = new SuspectLines(format.template);
    this.forward = this.plan();
  }

  /** Decides what to store for the needed fields, and compiles the forward matcher for it. */
  private plan(): ForwardMatcher {
    const template = this.format.template;
    const writes = new Uint8Array(template.fields.length);
    if (this.needed === null) writes.fill(WRITE_SPAN | WRITE_NUM);
    // The suspect-line checks read the request's and the time's spans on every line.
    for (const slot of this.suspects.slotsRead) writes[slot] |= WRITE_SPAN;
    for (const name of this.needed ?? []) {
      const ref = this.format.refs.get(name);
      // A number's reader reads its span too (str()), so store both; a request part needs the
      // request's span.
      if (ref) writes[ref.fieldIndex] = WRITE_SPAN | WRITE_NUM;
    }
    return new ForwardMatcher(template, writes);
  }

  parse(b: LineBatch, onMalformed: (row: number, note?: 'glued') => void, onRepaired?: (row: number, note: 'quote' | 'spaces') => void): void {
    const state = this.state;
    state.ensureRows(b.count);
    this.matcher.beginBatch();
    this.forward.beginBatch();
    this.suspects.beginBatch();
    this.lastBatch = b;
    const { buf, starts, ends, sel } = b;
    const selCount = b.selCount;
    const forward = this.forward.usable ? this.forward : null;
    const suspects = this.suspects.active ? this.suspects : null;
    const { spans, nums, offsets, spanStride, numStride } = state;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      const s = starts[row];
      const e = ends[row];
      const o = row * spanStride;
      const byForward = forward !== null && forward.match(buf, s, e, spans, o, nums, offsets, row * numStride);
      if (!byForward && !this.matcher.match(buf, s, e, spans, o, nums, offsets, row * numStride)) {
        onMalformed(row);
        continue;
      }
      if (suspects !== null) {
        const note = suspects.inspect(buf, e, spans, o, byForward ? forward : null);
        if (note === GLUED) {
          onMalformed(row, 'glued');
          continue;
        }
        if (note !== CLEAN) onRepaired?.(row, note === QUOTE_INSIDE ? 'quote' : 'spaces');
      }
      sel[kept++] = row;
    }
    b.selCount = kept;
    b.parsed = state;
    b.parser = this;
  }

  /**
   * Stores every field of a row parse() kept, whatever was needed: the backtracking matcher
   * writes them all, and agrees with the forward one on where they are.
   */
  private completeRow(b: LineBatch, row: number): void {
    const state = this.state;
    this.matcher.match(b.buf, b.starts[row], b.ends[row], state.spans, row * state.spanStride, state.nums, state.offsets, row * state.numStride);
  }

  /**
   * A reader for the field or one of its aliases. Asking for a field outside `needed` widens
   * what later parse() calls store, and completes the rows of the batch parsed last.
   */
  reader(field: string): FieldReader | undefined {
    if (field === LINE_FIELD.name) return LINE_READER;
    const ref = this.format.refs.get(field);
    if (!ref) return undefined;
    if (this.needed !== null && !this.needed.has(field)) {
      this.needed.add(field);
      this.forward = this.plan();
      const b = this.lastBatch;
      if (b !== null && b.parsed === this.state) {
        this.matcher.beginBatch();
        for (let k = 0; k < b.selCount; k++) this.completeRow(b, b.sel[k]);
      }
    }
    return accessReader(ref);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    // A projected parser stored only the needed fields of this row.
    if (this.needed !== null) this.completeRow(b, row);
    const out: Record<string, Value> = {};
    for (const spec of this.format.fields) {
      if (spec === LINE_FIELD) continue;
      const ref = this.format.refs.get(spec.name) as AccessFieldRef;
      out[spec.name] = fieldValue(b.buf, b.parsed as SpanState, row, ref);
    }
    return out;
  }
}
