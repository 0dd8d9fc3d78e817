export { createWriter, type RowWriter, type WriterKind } from './writer.js';
export type { TextOut } from './buffered-out.js';
export { jsonValue } from './json-value.js';
export { csvField } from './csv.js';
