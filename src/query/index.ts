/** The query language: parse -> typecheck -> compile. */
export * from './ast.js';
export { QueryError, formatQueryError } from './errors.js';
export { tokenize, type Token, type TokenKind } from './lexer.js';
export { parseQuery, isAggregateName } from './parser.js';
export { typecheck, neededFields, type Column, type Scope, type TypedQuery, type TypedStage } from './typecheck.js';
export { parseInstant } from './time-literal.js';
export * from './compile.js';
