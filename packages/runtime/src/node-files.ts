/**
 * The one Node file layer of betterdl: `file://` forms and paths, fsynced atomic writes and the fault points
 * the crash tests use. Node-only (imported by `@betterdl/runtime/node`).
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import { BetterDLError } from './errors';

/** How {@link toFsPath} resolves: the working directory and path flavour. Defaults to this process's. */
export interface FsPathOptions {
  /** Directory relative paths are resolved against. Defaults to `process.cwd()`. */
  cwd?: string;
  /** Path rules to apply. Defaults to `'win32'` on Windows, else `'posix'`. */
  platform?: 'posix' | 'win32';
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const DRIVE = /^[a-z]:[\\/]/i;

/**
 * True when `source` names a local file: a `file:` URL (string or `URL`), a Windows drive path (`C:\…`) or
 * any string without a URL scheme (a plain path). `http://…`, `indexeddb://…` and the like are not.
 */
export function isFileSource(source: unknown): source is string | URL {
  if (source instanceof URL) return source.protocol === 'file:';
  if (typeof source !== 'string' || source === '') return false;
  return /^file:/i.test(source) || DRIVE.test(source) || !SCHEME.test(source);
}

function decode(path: string, original: string): string {
  try {
    return decodeURIComponent(path);
  } catch (err) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `'${original}' is not a valid file URL (bad %-escape). Escape '%' as %25 or pass a plain path.`,
      { cause: err },
    );
  }
}

/**
 * Turns every form betterdl accepts for a local file into an absolute file-system path:
 * `file:///abs/x` (percent-decoded, `file:///C:/x` on Windows), `file://localhost/abs/x`, the relative forms
 * tfjs-node accepts (`file://./x`, `file://../x`, `file://x/y`), `file://C:/x`, `URL` objects, and plain
 * absolute, relative or drive-letter paths.
 */
export function toFsPath(pathOrUrl: string | URL, options: FsPathOptions = {}): string {
  const platform = options.platform ?? (process.platform === 'win32' ? 'win32' : 'posix');
  const lib = platform === 'win32' ? win32 : posix;
  const cwd = options.cwd ?? process.cwd();
  const s = pathOrUrl instanceof URL ? pathOrUrl.href : pathOrUrl;
  if (typeof s !== 'string' || s.trim() === '') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `Expected a file path or file:// URL, got ${JSON.stringify(s)}. Pass e.g. './out' or 'file://./out'.`,
    );
  }
  if (!/^file:/i.test(s)) return lib.resolve(cwd, s);
  let rest = s.slice('file:'.length);
  if (!rest.startsWith('//')) return lib.resolve(cwd, rest);
  rest = rest.slice(2);
  if (/^localhost\//i.test(rest)) rest = rest.slice('localhost'.length);
  if (rest.startsWith('/')) {
    let abs = decode(rest.replace(/[?#].*$/, ''), s);
    if (platform === 'win32' && /^\/[a-z]:/i.test(abs)) abs = abs.slice(1);
    return lib.resolve(abs);
  }
  return lib.resolve(cwd, rest);
}

// ---- fault injection -------------------------------------------------------------------------------------

let faultStep = 0;
let faultAt: number | null | undefined;

/**
 * A numbered point between two file operations. When the environment variable `BETTERDL_FAULT_STEP` is `k`,
 * the process kills itself with SIGKILL at the k-th point it reaches (counting from 1): the fault-injection
 * suite uses this to crash a save at every step. Without the variable it does nothing.
 */
export function faultPoint(_label: string): void {
  if (faultAt === undefined) {
    const v = Number(process.env.BETTERDL_FAULT_STEP);
    faultAt = Number.isInteger(v) && v > 0 ? v : null;
  }
  if (faultAt === null) return;
  faultStep += 1;
  if (faultStep === faultAt) process.kill(process.pid, 'SIGKILL');
}

// ---- durable writes --------------------------------------------------------------------------------------

/** Flushes a directory entry list to disk (so a rename in it survives a power cut). No-op where unsupported. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; its renames are journaled by NTFS.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `data` to `path` (created or truncated) and fsyncs it before returning. */
export async function writeFileDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

let tmpCounter = 0;

/** A name part unique to this process and call (never `Math.random`: seeded runs must not be disturbed). */
export function uniqueToken(): string {
  tmpCounter += 1;
  return `${process.pid}-${Date.now().toString(36)}${tmpCounter.toString(36)}`;
}

/** Creates `dir` and its missing parents, and fsyncs the parent of every directory it created. */
export async function mkdirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const lib = DRIVE.test(dir) ? win32 : posix;
  for (let d = dir; ; d = lib.dirname(d)) {
    fsyncDir(lib.dirname(d));
    if (d === first || lib.dirname(d) === d) break;
  }
}

/**
 * Writes `data` to `path` atomically and durably: to a temporary file beside it (fsynced), renamed over
 * `path`, then the directory is fsynced. A crash or power cut leaves either the old or the new file, never a
 * mix. Creates missing directories.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const lib = DRIVE.test(path) ? win32 : posix;
  const dir = lib.dirname(path);
  const tmp = lib.join(dir, `.${lib.basename(path)}.${uniqueToken()}.tmp`);
  try {
    await mkdirDurable(dir);
    await writeFileDurable(tmp, data);
    await rename(tmp, path);
    fsyncDir(dir);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new BetterDLError(
      'IO_ERROR',
      `Cannot write ${path}: ${(err as Error).message}. Check that the directory exists or can be created and is writable.`,
      { cause: err },
    );
  }
}
