import type { LogFormat } from '../../core/format.js';
import { printable } from '../../core/text.js';
import { jsonLinesParser } from '../json.js';
import { FormatPatternError } from '../pattern/pattern-error.js';
import { xmlRecords } from './xml-records.js';

export const XML_PREFIX = 'xml:';

/**
 * `xml:ELEMENT`: one record per ELEMENT of an XML document (a transit feed's `<bus>`, an export's
 * `<row>`), however large the document.
 *
 * The pipeline reads lines, and XML has none to speak of, so the format rewrites the bytes first:
 * its `transform` runs after decompression and before the line splitter, streaming the document
 * through a SAX parser and emitting one JSON object per element (xml-records.ts), which the json
 * format's parser then reads. So everything downstream (line batches, filters, aggregates,
 * workers' partials, output) is what it is for JSON lines, and the transform is the one place
 * that knows XML. A document is one unit: it is never cut into byte ranges.
 */
export function xmlFormat(spec: string): LogFormat {
  const element = spec.slice(XML_PREFIX.length);
  if (!/^[A-Za-z_][\w.-]*(:[A-Za-z_][\w.-]*)?$/.test(element)) {
    throw new FormatPatternError(spec, XML_PREFIX.length, element === '' ? 'name the element that holds each record: xml:ELEMENT' : `"${element}" is not an XML element name`);
  }
  const format: LogFormat = {
    name: printable(spec),
    fields: null,
    parser: () => jsonLinesParser(format),
    transform: (source, chunks) => xmlRecords(source, chunks, element),
  };
  return format;
}
