import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { EXIT_USAGE, UserError } from '../../core/errors.js';
import { PACKAGE_ROOT, isUnder } from '../own-files.js';

/** Exit code for a command that was not found, as shells give it. */
export const EXIT_NOT_FOUND = 127;

/** A Node program ready to be run under the tracer. */
export interface NodeCommand {
  /** The Node binary. */
  readonly node: string;
  /** Node's own options: the user's (`node --max-old-space-size=4096 app.js`) or a shebang's. */
  readonly nodeArgs: readonly string[];
  /** The script and its arguments (empty script for `node -e ...`). */
  readonly args: readonly string[];
  /** The script's real path, when there is one. */
  readonly script?: string;
  /** Whether the script is logsift itself (then logsift's frames are the program's own). */
  readonly isLogsift: boolean;
}

/** A command that does not exist: exit 127, as a shell would. */
export class CommandNotFound extends UserError {
  constructor(readonly command: string) {
    super(`trace: command not found: ${command}`, EXIT_NOT_FOUND);
    this.name = 'CommandNotFound';
  }
}

/** A program the tracer cannot load into (a native binary, a shell script). */
export class NotNodeProgram extends UserError {
  constructor(command: string, why: string) {
    super(`trace: ${command} is not a Node.js program (${why}); logsift trace runs Node scripts and npm bins that are Node scripts`, EXIT_USAGE);
    this.name = 'NotNodeProgram';
  }
}

const NODE_NAMES = /^(node|nodejs)(\d+)?(\.exe)?$/;
const SCRIPT_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/**
 * What to run for `logsift trace -- COMMAND [ARGS...]`: `node ...` as given (with this Node when
 * the name is plain `node`), a `.js`/`.mjs`/`.cjs` file, or an executable whose `#!` line runs
 * node (npm bins are such scripts), found as a path, on PATH, or in node_modules/.bin above the
 * working folder, as npx would. Anything else is refused before it runs, so a native program is
 * a clear message and never a wait for a tracer that cannot start.
 */
export function resolveCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '') throw new UserError('trace: give the program to run after --, e.g. logsift trace -- node app.js', EXIT_USAGE);
  if (NODE_NAMES.test(command)) return nodeItself(process.execPath, rest, cwd);
  const file = findExecutable(command, env, cwd);
  if (file === undefined) throw new CommandNotFound(command);
  let real: string;
  try {
    real = realpathSync(file);
    if (statSync(real).isDirectory()) throw new NotNodeProgram(command, 'it is a directory');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new CommandNotFound(command);
  }
  const head = readHead(real);
  if (head.startsWith('#!')) {
    const shebang = parseShebang(head);
    if (!shebang || !NODE_NAMES.test(basename(shebang.interpreter))) {
      throw new NotNodeProgram(command, `its #! line runs ${shebang?.interpreter ?? 'an unknown interpreter'}`);
    }
    return script(real, shebang.args, rest);
  }
  if (SCRIPT_EXTENSIONS.has(extname(real))) return script(real, [], rest);
  if (isNativeBinary(head)) {
    if (NODE_NAMES.test(basename(real))) return nodeItself(real, rest, cwd);
    throw new NotNodeProgram(command, 'it is a native executable');
  }
  throw new NotNodeProgram(command, 'it has no #! line naming node and is not a .js, .mjs or .cjs file');
}

function script(file: string, nodeArgs: readonly string[], args: readonly string[]): NodeCommand {
  return { node: process.execPath, nodeArgs, args: [file, ...args], script: file, isLogsift: isLogsiftFile(file) };
}

/** `node [node options] [script] [args]`: the script is the first argument that is not an option. */
function nodeItself(node: string, args: readonly string[], cwd: string): NodeCommand {
  const first = args.findIndex((a, i) => !a.startsWith('-') && !takesValue(args[i - 1]));
  const candidate = first >= 0 ? args[first] : undefined;
  const evaluated = args.some((a) => a === '-e' || a === '--eval' || a === '-p' || a === '--print');
  const scriptPath = candidate !== undefined && !evaluated ? resolve(cwd, candidate) : undefined;
  let real: string | undefined;
  try {
    real = scriptPath ? realpathSync(scriptPath) : undefined;
  } catch {
    real = undefined; // node will say the module is missing, in its own words
  }
  return { node, nodeArgs: [], args, ...(real ? { script: real } : {}), isLogsift: real !== undefined && isLogsiftFile(real) };
}

/** Node options whose value is the next argument (`-r module`, `--import x`): that value is not the script. */
function takesValue(option: string | undefined): boolean {
  return option !== undefined && /^(-r|--require|--import|--loader|--experimental-loader|-e|--eval|-p|--print|--input-type|--conditions|-C|--title|--env-file)$/.test(option);
}

function isLogsiftFile(file: string): boolean {
  return PACKAGE_ROOT !== undefined && isUnder(file, [join(PACKAGE_ROOT, 'dist'), join(PACKAGE_ROOT, 'src')]);
}

function findExecutable(command: string, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (command.includes('/')) {
    const p = isAbsolute(command) ? command : resolve(cwd, command);
    return exists(p) ? p : undefined;
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, command);
    if (isExecutableFile(p)) return p;
  }
  // As npx does: the bins of the packages installed here or in a folder above.
  for (let dir = cwd; ; dir = dirname(dir)) {
    const p = join(dir, 'node_modules', '.bin', command);
    if (isExecutableFile(p)) return p;
    if (dirname(dir) === dir) return undefined;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isExecutableFile(p: string): boolean {
  try {
    const s = statSync(p);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function readHead(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** `#!/usr/bin/env node --flag`, `#!/usr/bin/env -S node --flag`, `#!/usr/local/bin/node --flag`. */
export function parseShebang(head: string): { interpreter: string; args: string[] } | undefined {
  const line = head.slice(2).split('\n')[0]!.replace(/\r$/, '').trim();
  const words = line.split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (basename(words[0]!) === 'env') {
    const after = words.slice(1).filter((w) => w !== '-S' && !/^-[iu]$/.test(w) && !w.includes('='));
    if (after.length === 0) return undefined;
    return { interpreter: after[0]!, args: after.slice(1) };
  }
  return { interpreter: words[0]!, args: words.slice(1) };
}

function isNativeBinary(head: string): boolean {
  const magic = head.slice(0, 4);
  return magic === '\x7fELF' || magic === '\xcf\xfa\xed\xfe' || magic === '\xce\xfa\xed\xfe' || magic.startsWith('MZ');
}
