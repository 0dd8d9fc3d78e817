import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { InputError } from '../../core/errors.js';
import type { Source } from '../../core/source.js';

/**
 * Turns an XML document into JSON lines, one object per `element`, as it streams: SAX events
 * (saxes, a well-kept streaming parser), never a tree, so memory holds one record and one chunk
 * whatever the document's size. The json format then reads the lines (xml-format.ts says why).
 *
 * What a record holds:
 * - the element's attributes, by name (`<bus id="1">`: `id`);
 * - each child element's text, by its name (`<route>22</route>`: `route`), nested children by
 *   dotted paths (`<pos><lat>41.8</lat></pos>`: `pos.lat`), a child's attributes likewise
 *   (`<speed unit="mph">`: `speed.unit`);
 * - a name met twice in one record, an array of its values (`["a","b"]`);
 * - the element's own text, when it has some besides its children, as `_text`.
 * Text is CDATA and character data joined, entities decoded, trimmed; every value is a string
 * (numbers are read from their text by the query, as for JSON strings). Names are local names
 * (`gml:pos` is `pos`); `xmlns` declarations are not fields. A record inside a record (the same
 * element nested) is an ordinary child of the outer one.
 *
 * Malformed XML is an InputError naming the file with the parser's line and column; records
 * before it have flowed on already.
 */
export async function* xmlRecords(source: Source, chunks: AsyncIterable<Buffer>, element: string): AsyncGenerator<Buffer> {
  const builder = new RecordBuilder(element);
  const parser = new SaxesParser({ xmlns: false, position: true });
  parser.on('opentag', (tag) => builder.open(tag));
  parser.on('closetag', () => builder.close());
  parser.on('text', (text) => builder.text(text));
  parser.on('cdata', (text) => builder.text(text));
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of chunks) {
      // In slices: the text and the JSON of a slice die young (a 1 MiB string outlives many
      // scavenges and is promoted, and old-space collections then took a third of the time).
      for (let at = 0; at < chunk.length; at += SLICE) {
        parser.write(decoder.write(chunk.subarray(at, Math.min(chunk.length, at + SLICE))));
        const out = builder.take();
        if (out !== null) yield out;
      }
    }
    parser.write(decoder.end());
    parser.close();
  } catch (error) {
    // The records read before the mistake flow on first, as a cut archive's bytes do.
    const before = builder.take();
    if (before !== null) yield before;
    if (!(error instanceof Error) || error instanceof InputError) throw error;
    const at = /^(\d+):(\d+): ([^]*)$/.exec(error.message);
    const where = at ? ` at line ${at[1]}, column ${at[2]}` : '';
    throw new InputError(source.name, `malformed XML${where}: ${(at ? at[3]! : error.message).replace(/\s+/g, ' ')}`);
  }
  const rest = builder.take();
  if (rest !== null) yield rest;
}

interface OpenChild {
  /** Dotted path of the child within the record ('' for the record element itself). */
  readonly path: string;
  text: string;
  hasChildren: boolean;
}

/** Bytes of the document parsed at a time. */
const SLICE = 64 * 1024;

class RecordBuilder {
  /** The record being read: field names to values, in the order first met (a Map: any name is a plain key). */
  private record: Map<string, string | string[]> | null = null;
  private readonly stack: OpenChild[] = [];
  private out = '';

  constructor(private readonly element: string) {}

  open(tag: SaxesTagPlain): void {
    const name = localName(tag.name);
    if (this.record === null) {
      if (tag.name !== this.element && name !== this.element) return;
      this.record = new Map();
      this.stack.push({ path: '', text: '', hasChildren: false });
      this.attributes('', tag.attributes);
      return;
    }
    const parent = this.stack[this.stack.length - 1]!;
    parent.hasChildren = true;
    const path = parent.path === '' ? name : `${parent.path}.${name}`;
    this.stack.push({ path, text: '', hasChildren: false });
    this.attributes(path, tag.attributes);
  }

  close(): void {
    if (this.record === null) return;
    const child = this.stack.pop()!;
    const text = child.text.trim();
    if (child.path === '') {
      if (text !== '') this.set('_text', text);
      this.out += recordJson(this.record);
      this.record = null;
      return;
    }
    // A leaf's text is its value; a parent's stray text (mixed content) is kept only when there is some.
    if (!child.hasChildren || text !== '') this.set(child.path, text);
  }

  text(text: string): void {
    if (this.record === null) return;
    this.stack[this.stack.length - 1]!.text += text;
  }

  /** The JSON lines gathered since the last call, or null when there are none yet. */
  take(): Buffer | null {
    if (this.out.length === 0) return null;
    const out = Buffer.from(this.out, 'utf8');
    this.out = '';
    return out;
  }

  private attributes(path: string, attributes: Record<string, string>): void {
    for (const raw in attributes) {
      if (raw === 'xmlns' || raw.startsWith('xmlns:')) continue;
      const name = localName(raw);
      this.set(path === '' ? name : `${path}.${name}`, attributes[raw]!);
    }
  }

  private set(key: string, value: string): void {
    const record = this.record!;
    const known = record.get(key);
    if (known === undefined) record.set(key, value);
    else if (Array.isArray(known)) known.push(value);
    else record.set(key, [known, value]);
  }
}

/** One JSON object on one line (JSON never holds a raw line break). */
function recordJson(record: Map<string, string | string[]>): string {
  let json = '{';
  for (const [key, value] of record) json += `${json.length > 1 ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}`;
  return `${json}}\n`;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}
