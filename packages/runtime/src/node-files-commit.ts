/**
 * The commit protocol of checkpoints and backups (Node-only). A "file set" is one manifest (`model.json`,
 * `state.json`) in a directory plus the data files it names. A save writes its data files under new,
 * unique names, fsyncs them, writes the manifest to a temporary file, fsyncs it and the directory, renames it
 * over the manifest (the commit), fsyncs the directory again, and only then removes the files of the set it
 * replaced. So at every instant the manifest names a complete set; a crash leaves at most orphan files, which
 * the next save (or load) removes. Nothing else in the directory is ever touched.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { BetterDLError } from './errors';
import { faultPoint, fsyncDir, mkdirDurable, writeFileDurable } from './node-files';

const INFLIGHT_KEY = Symbol.for('betterdl.fileSetsInFlight');
const inflight: Set<string> = ((globalThis as Record<symbol, Set<string>>)[INFLIGHT_KEY] ??= new Set());
let counter = 0;

/** One data file of a set: `label` becomes part of its name (`model.weights.<token>.bin`). */
export interface FileSetBlob {
  label: string;
  data: Uint8Array;
}

/** Options of {@link commitFileSet}. */
export interface CommitFileSetArgs {
  /** Absolute directory of the set. Created when missing. */
  dir: string;
  /** File name of the manifest, e.g. `'model.json'`. */
  manifest: string;
  /** Which betterdl writer this is; a manifest with another (or no) marker is foreign. */
  kind: string;
  /** Data files to write, in order. */
  blobs: FileSetBlob[];
  /** The manifest's JSON object, given the names the blobs got (same order); the marker is added. */
  render: (names: string[]) => Record<string, unknown>;
  /** Replace a foreign manifest (and the files it names) instead of failing. Defaults to `false`. */
  overwrite?: boolean;
  /** Function name for error messages. */
  who: string;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stem(manifest: string): string {
  return manifest.replace(/\.json$/i, '');
}

/** Data and temporary files this writer family names: `<stem>.<label>.<pid>-<tid>-<n>.bin`, `.<manifest>.<…>.tmp`. */
function ownName(manifest: string): RegExp {
  const s = escapeRe(stem(manifest));
  const m = escapeRe(manifest);
  return new RegExp(`^(?:${s}\\.[a-z]+\\.|\\.${m}\\.)(\\d+)-(\\d+)-([a-z0-9]+)\\.(?:bin|tmp)$`);
}

function safeName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && !/[\\/]/.test(name) && name !== '.' && name !== '..';
}

/** The files a manifest text names (tfjs `weightsManifest` paths, or a betterdl `files` list), if plain names. */
export function manifestReferences(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (json === null || typeof json !== 'object') return [];
  const out: string[] = [];
  const j = json as { weightsManifest?: unknown; files?: unknown };
  if (Array.isArray(j.weightsManifest)) {
    for (const g of j.weightsManifest)
      if (g && Array.isArray((g as { paths?: unknown }).paths))
        for (const p of (g as { paths: unknown[] }).paths) if (safeName(p)) out.push(p);
  }
  if (Array.isArray(j.files)) for (const p of j.files) if (safeName(p)) out.push(p);
  return out;
}

/** The betterdl kind recorded in a manifest text, or `null` for a foreign (or unreadable) one. */
export function manifestKind(text: string): string | null {
  try {
    const j = JSON.parse(text) as { betterdl?: { kind?: unknown } };
    return typeof j?.betterdl?.kind === 'string' ? j.betterdl.kind : null;
  } catch {
    return null;
  }
}

function alive(pid: number, tid: number, token: string): boolean {
  if (pid === process.pid) return tid !== threadId || inflight.has(token);
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every file any manifest (`*.json`) in `dir` names: these are never removed. */
function referencedIn(dir: string): Set<string> {
  const out = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!n.endsWith('.json')) continue;
    try {
      const text = readSmallText(join(dir, n));
      if (text !== null) for (const r of manifestReferences(text)) out.add(r);
    } catch {
      // unreadable: it names nothing we could remove safely anyway
    }
  }
  return out;
}

function readSmallText(path: string): string | null {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > 64 * 1024 * 1024) return null;
  return readFileSync(path, 'utf8');
}

/**
 * Removes what killed saves of the `manifest` family left in `dir` (data files no manifest names whose writer
 * process is gone, temporary manifests), plus `extra` (the files of a set just replaced) when no manifest
 * names them. Returns the names removed. Never touches other files.
 */
export async function cleanFileSet(dir: string, manifest: string, extra: string[] = []): Promise<string[]> {
  const re = ownName(manifest);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const candidates = new Set(extra.filter(safeName));
  for (const n of names) {
    const m = re.exec(n);
    if (m && !alive(Number(m[1]), Number(m[2]), `${m[1]}-${m[2]}-${m[3]}`)) candidates.add(n);
  }
  if (candidates.size === 0) return [];
  const keep = referencedIn(dir);
  const removed: string[] = [];
  for (const n of candidates) {
    if (keep.has(n) || !names.includes(n)) continue;
    await rm(join(dir, n), { force: true });
    removed.push(n);
    faultPoint('clean');
  }
  return removed;
}

async function readManifest(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Throws the "existing regular file" error when `path` is a file (it is never replaced by a directory). */
export async function assertNotAFile(path: string, who: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (st && !st.isDirectory()) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: ${path} is an existing file, not a directory; betterdl never replaces files it did not write. ` +
        'Choose a directory path (it is created), or a path ending in .json for the manifest.',
    );
  }
}

/**
 * Commits a new file set in `dir` (see the module comment for the protocol). A manifest written by another
 * program (no betterdl marker of this `kind`) is an error unless `overwrite`. Two processes committing to one
 * directory both finish; the manifest then names the complete set of whichever renamed last.
 */
export async function commitFileSet(args: CommitFileSetArgs): Promise<{ names: string[]; bytes: number }> {
  const { dir, manifest, kind, who } = args;
  const manifestPath = join(dir, manifest);
  await assertNotAFile(dir, who);
  let current: string | null;
  try {
    await mkdirDurable(dir);
    current = await readManifest(manifestPath);
  } catch (err) {
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: cannot write ${dir}: ${(err as Error).message}. Check that the directory can be created and is writable.`,
      { cause: err },
    );
  }
  if (current !== null && manifestKind(current) !== kind && !args.overwrite) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who}: ${manifestPath} was not written by betterdl's ${kind} writer (another model or program owns it). ` +
        'Save somewhere else, or pass overwrite: true to replace it and the files it names.',
    );
  }
  const old = current === null ? [] : manifestReferences(current);
  counter += 1;
  const token = `${process.pid}-${threadId}-${Date.now().toString(36)}${counter.toString(36)}`;
  inflight.add(token);
  const s = stem(manifest);
  const names = args.blobs.map((b) => `${s}.${b.label}.${token}.bin`);
  const tmp = join(dir, `.${manifest}.${token}.tmp`);
  let bytes = 0;
  try {
    for (let i = 0; i < names.length; i++) {
      const data = (args.blobs[i] as FileSetBlob).data;
      await writeFileDurable(join(dir, names[i] as string), data);
      bytes += data.byteLength;
      faultPoint('data');
    }
    const body = { ...args.render(names), betterdl: { kind } };
    await writeFileDurable(tmp, JSON.stringify(body));
    faultPoint('manifest-tmp');
    fsyncDir(dir);
    faultPoint('dir-sync');
    await rename(tmp, manifestPath);
    faultPoint('rename');
    fsyncDir(dir);
    faultPoint('committed');
  } catch (err) {
    inflight.delete(token);
    for (const n of names) await rm(join(dir, n), { force: true }).catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: cannot write ${manifestPath}: ${(err as Error).message}. The previous save is untouched; check disk space and permissions.`,
      { cause: err },
    );
  }
  inflight.delete(token);
  await cleanFileSet(dir, manifest, old).catch(() => {});
  return { names, bytes };
}

/** Removes a committed set: its manifest, the files it names and orphans of its family; `dir` if then empty. */
export async function removeFileSet(dir: string, manifest: string, kind: string): Promise<void> {
  const text = await readManifest(join(dir, manifest)).catch(() => null);
  if (text !== null && manifestKind(text) !== kind) return;
  if (text !== null) {
    await rm(join(dir, manifest), { force: true });
    fsyncDir(dir);
  }
  await cleanFileSet(dir, manifest, text === null ? [] : manifestReferences(text));
  try {
    if (readdirSync(dir).length === 0) await rmdir(dir).catch(() => {});
  } catch {
    // already gone
  }
}
