import * as tf from '@tensorflow/tfjs-core';
import { importOptional, isNode } from './platform';

/** One copy of `@tensorflow/tfjs-core` found in this process or on disk. */
export interface TfjsCopy {
  /** Who resolves to this copy (a package name, or `'engine'` for the copy that owns the global engine). */
  seenFrom: string;
  /** Its version. */
  version: string;
  /** Its directory on disk (Node only). */
  path?: string;
}

/** What {@link checkSingleTfjs} found. */
export interface TfjsDuplicateReport {
  /** True when more than one copy or version of tfjs-core is in play. */
  duplicated: boolean;
  /** The copies found. */
  copies: TfjsCopy[];
  /** How to fix it, when duplicated. */
  fix?: string;
}

const FIX =
  'Make every package share one @tensorflow/tfjs-core: align the @tensorflow/* versions in package.json, ' +
  'then run `npm dedupe` (npm), or add a `pnpm.overrides` / `resolutions` entry pinning @tensorflow/tfjs-core, ' +
  'and reinstall. Two copies cause "backend not registered" errors and tensors that one copy does not recognise.';

/**
 * Detects two copies or versions of `@tensorflow/tfjs-core` in one process. Everywhere: checks that
 * tensors made by the global engine belong to the tfjs-core this package imports (another copy that
 * loaded first owns the engine otherwise). In Node also resolves tfjs-core from each tfjs package
 * installed beside this one and compares the directories and versions.
 */
export async function checkSingleTfjs(): Promise<TfjsDuplicateReport> {
  const copies: TfjsCopy[] = [{ seenFrom: '@betterdl/runtime', version: tf.version_core }];
  let duplicated = false;
  const probe = tf.tidy(() => tf.scalar(0));
  const ownsEngine = Object.getPrototypeOf(probe) === tf.Tensor.prototype;
  probe.dispose();
  if (!ownsEngine) {
    duplicated = true;
    copies.push({ seenFrom: 'engine', version: 'another copy, loaded first' });
  }
  if (isNode()) {
    const onDisk = await copiesOnDisk();
    if (onDisk.length > 0) copies.splice(0, 1, ...onDisk);
    if (new Set(onDisk.map((c) => c.path)).size > 1) duplicated = true;
  }
  return duplicated ? { duplicated, copies, fix: FIX } : { duplicated, copies };
}

async function copiesOnDisk(): Promise<TfjsCopy[]> {
  type ModuleApi = { createRequire(from: string): NodeJS.Require };
  type PathApi = { dirname(p: string): string; join(...p: string[]): string };
  type FsApi = { realpathSync(p: string): string; readFileSync(p: string, enc: 'utf8'): string };
  const [{ createRequire }, path, fs] = await Promise.all([
    importOptional<ModuleApi>('node:module'),
    importOptional<PathApi>('node:path'),
    importOptional<FsApi>('node:fs'),
  ]);
  const anchors: Array<[string, NodeJS.Require]> = [];
  const self = createRequire(import.meta.url);
  anchors.push(['@betterdl/runtime', self]);
  for (const pkg of [
    '@tensorflow/tfjs-layers',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    '@tensorflow/tfjs',
  ]) {
    try {
      const pj = self.resolve(`${pkg}/package.json`);
      anchors.push([pkg, createRequire(pj)]);
    } catch {
      // not installed beside us: nothing to compare
    }
  }
  const out: TfjsCopy[] = [];
  for (const [seenFrom, req] of anchors) {
    try {
      const pj = fs.realpathSync(req.resolve('@tensorflow/tfjs-core/package.json'));
      const version = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { version: string }).version;
      out.push({ seenFrom, version, path: path.dirname(pj) });
    } catch {
      // this package cannot see a tfjs-core: it is not a copy
    }
  }
  return out;
}
