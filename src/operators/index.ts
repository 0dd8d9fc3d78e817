export type { RowSink } from './row-sink.js';
export { compareValues, makeRowComparator, type SortKey } from './compare.js';
export { sortRows, DEFAULT_SORT_LIMIT, type SortOptions } from './sort.js';
export { TopN } from './top-n.js';
export { headRows } from './head.js';
export { projectFields, projectSchema } from './fields.js';
