import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot, runCli, type CliResult } from './cli.js';

/**
 * Where the real public logs live (see /work/shared/data/README.md for provenance and oddities),
 * and how conformance tests reach them. The data is never copied into the project: tests read it
 * in place and skip when it is absent.
 */

/** `<project root>/../shared/data`. */
export const dataDir = path.resolve(projectRoot, '..', 'shared', 'data');

/** False when the data is present; otherwise the message node:test prints for each skipped test. */
export const skipUnlessData: false | string = existsSync(path.join(dataDir, 'README.md'))
  ? false
  : `shared data not found at ${dataDir}: conformance suite skipped`;

/** Absolute path of a file given relative to the data folder. */
export function dataPath(relative: string): string {
  return path.join(dataDir, relative);
}

export const ELASTIC = 'elastic-apache/apache_logs';
export const NGINX_COMBINED = 'nginx-elastic/nginx_logs.txt';
export const NGINX_JSON = 'nginx-elastic/nginx.log';
export const JAVAGROK = 'javagrok/access_log';
export const BASJES_HACKERS = 'basjes/hackers-access.log';
export const BASJES_GZ = 'basjes/access_log.gz';
/** The ten NASA July 1995 split files, in order; none ends with a newline. */
export const NASA = ['xaa', 'xab', 'xac', 'xad', 'xae', 'xaf', 'xag', 'xah', 'xai', 'xaj'].map(
  (name) => `nasa-jul95/${name}`,
);

/** Every plain-text file, for tests that go over all of them. */
export const ALL_TEXT_FILES = [ELASTIC, NGINX_COMBINED, NGINX_JSON, JAVAGROK, BASJES_HACKERS, ...NASA];

/**
 * Runs logsift from inside the data folder with paths relative to it, so messages name files the
 * way a user typing them would see them (e.g. `elastic-apache/apache_logs:8899`).
 */
export function sift(args: readonly string[], input?: string | Buffer): CliResult {
  return runCli(args, input === undefined ? { cwd: dataDir } : { cwd: dataDir, input });
}
