/**
 * Compiling typed AST nodes into closures. The record phase works on LineBatch rows through a
 * RowParser's FieldReaders; the row phase (after an aggregate) works on Rows by column index.
 */
export { compilePredicate, type BatchPredicate } from './compile-predicate.js';
export { compileValue, compileGroupKey, bucketStart, readerOrMissing, type BatchValue } from './compile-value.js';
export { operandReader } from './compile-operand.js';
export { compileRowPredicate, type RowPredicate } from './compile-row.js';
