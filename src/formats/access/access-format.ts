import type { LineBatch } from '../../core/batch.js';
import type { Value } from '../../core/value.js';
import type { FieldReader, FieldSpec, LogFormat, RowParser } from '../format.js';
import { fieldRefs, fieldValue, type AccessFieldRef } from './access-fields.js';
import { accessReader } from './access-readers.js';
import { SpanState } from '../span-state.js';
import { AccessMatcher } from './matcher.js';
import { REQUEST_PARTS, splitRequest } from './request-line.js';
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
    for (const ref of own) {
      if (ref.derived) continue;
      specs.push({ name: ref.name, type: ref.type });
      if (ref.name === 'request') for (const part of own) if (part.derived) specs.push({ name: part.name, type: part.type });
    }
    this.fields = specs;
  }

  parser(needed: ReadonlySet<string> | null): AccessRowParser {
    return new AccessRowParser(this, needed);
  }
}

/**
 * Parses batches of access-log lines with one AccessMatcher. Projection: the request line is
 * split only when one of its parts is needed; strings are never decoded here, only located.
 * Every line is still matched whole (a combined line truncated inside its user agent is
 * malformed for `count by status` too), so results never depend on which fields a query reads.
 */
export class AccessRowParser implements RowParser {
  private readonly matcher: AccessMatcher;
  private readonly state: SpanState;
  private readonly needed: Set<string> | null;
  private readonly requestSlot: number;
  private splitRequestLine = true;

  constructor(
    readonly format: AccessLogFormat,
    needed: ReadonlySet<string> | null,
  ) {
    const n = format.template.fields.length;
    this.matcher = new AccessMatcher(format.template);
    this.state = new SpanState(2 * (n + REQUEST_PARTS.length), n);
    this.requestSlot = format.refs.get('request')?.slot ?? -1;
    this.needed = needed === null ? null : new Set(needed);
    this.plan();
  }

  /** Decides whether to split the request line. */
  private plan(): void {
    const needsPart = [...(this.needed ?? [])].some((name) => this.format.refs.get(name)?.derived);
    this.splitRequestLine = this.requestSlot >= 0 && (this.needed === null || needsPart);
  }

  parse(b: LineBatch, onMalformed: (row: number) => void): void {
    const state = this.state;
    state.ensureRows(b.count);
    this.matcher.beginBatch();
    const { buf, starts, ends, sel } = b;
    const selCount = b.selCount;
    let kept = 0;
    for (let k = 0; k < selCount; k++) {
      const row = sel[k];
      if (this.matchRow(buf, starts[row], ends[row], row)) sel[kept++] = row;
      else onMalformed(row);
    }
    b.selCount = kept;
    b.parsed = state;
    b.parser = this;
  }

  private matchRow(buf: Buffer, s: number, e: number, row: number): boolean {
    const state = this.state;
    if (!this.matcher.match(buf, s, e, state.spans, row * state.spanStride, state.nums, state.offsets, row * state.numStride)) {
      return false;
    }
    if (this.splitRequestLine) this.splitRequestOf(buf, row);
    return true;
  }

  /** Writes the request's parts (method, url, path, query, protocol) into the row's spans. */
  private splitRequestOf(buf: Buffer, row: number): void {
    const state = this.state;
    const spanBase = row * state.spanStride;
    const r = spanBase + 2 * this.requestSlot;
    splitRequest(buf, state.spans[r], state.spans[r + 1], state.spans, spanBase + 2 * this.format.template.fields.length);
  }

  /**
   * A reader for the field or one of its aliases. Asking for a field outside `needed` widens
   * what later parse() calls decode, so ask before parsing.
   */
  reader(field: string): FieldReader | undefined {
    const ref = this.format.refs.get(field);
    if (!ref) return undefined;
    if (this.needed !== null && !this.needed.has(field)) {
      this.needed.add(field);
      this.plan();
    }
    return accessReader(ref);
  }

  record(b: LineBatch, row: number): Record<string, Value> {
    // A projected parser may not have split the request line of this row yet.
    if (!this.splitRequestLine && this.requestSlot >= 0) this.splitRequestOf(b.buf, row);
    const out: Record<string, Value> = {};
    for (const spec of this.format.fields) {
      const ref = this.format.refs.get(spec.name) as AccessFieldRef;
      out[spec.name] = fieldValue(b.buf, b.parsed as SpanState, row, ref);
    }
    return out;
  }
}
