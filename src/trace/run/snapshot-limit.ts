/**
 * The live heap above which `--snapshot` takes no heap snapshot unless forced. Snapshots cost
 * time and memory by object count: measured here, 1.3 million objects (a 241 MB heap) took about
 * 40 s and a 3.5 GB peak, about 14x the heap. 128 MiB keeps that to seconds and about 2 GB.
 */
export const DEFAULT_SNAPSHOT_LIMIT = 128 * 1024 * 1024;
