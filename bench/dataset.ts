/**
 * The benchmark's input files, generated once and cached under bench/.data/ (git-ignored). A
 * sidecar .meta.json records what made the file; a missing, truncated or outdated file is made anew.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAccessLog } from './generate-access.js';
import { writeApplog } from './generate-applog.js';

/** Bump when the access generator's output changes, so cached files are regenerated. */
export const ACCESS_DATA_VERSION = 1;
export const BENCH_SEED = 42;

interface DataMeta {
  generator: 'access' | 'applog';
  version: number;
  seed: number;
  lines: number;
  bytes: number;
}

export interface Dataset {
  file: string;
  lines: number;
  bytes: number;
  generated: boolean;
  generateS: number;
}

function readMeta(path: string): DataMeta | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DataMeta;
  } catch {
    return null;
  }
}

export function ensureAccessLog(dir: string, label: string, lines: number): Dataset {
  return ensureLog(dir, 'access', label, lines);
}

/** Bump when the application-log generator's output changes. */
export const APPLOG_DATA_VERSION = 1;

/** The lab's input: generated application lines, every tenth an ERROR. */
export function ensureApplog(dir: string, label: string, lines: number): Dataset {
  return ensureLog(dir, 'applog', label, lines);
}

function ensureLog(dir: string, generator: DataMeta['generator'], label: string, lines: number): Dataset {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${generator === 'access' ? 'access' : 'app'}-${label}.log`);
  const metaFile = `${file}.meta.json`;
  const want: Omit<DataMeta, 'bytes'> = { generator, version: generator === 'access' ? ACCESS_DATA_VERSION : APPLOG_DATA_VERSION, seed: BENCH_SEED, lines };
  const meta = readMeta(metaFile);
  if (
    meta !== null &&
    existsSync(file) &&
    meta.generator === want.generator &&
    meta.version === want.version &&
    meta.seed === want.seed &&
    meta.lines === lines &&
    statSync(file).size === meta.bytes
  ) {
    return { file, lines, bytes: meta.bytes, generated: false, generateS: 0 };
  }
  const started = performance.now();
  const { bytes } = (generator === 'access' ? writeAccessLog : writeApplog)(file, { lines, seed: BENCH_SEED });
  writeFileSync(metaFile, JSON.stringify({ ...want, bytes } satisfies DataMeta, null, 2) + '\n');
  return { file, lines, bytes, generated: true, generateS: (performance.now() - started) / 1000 };
}
