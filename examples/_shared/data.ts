// Where the image examples get their data. Fashion-MNIST comes from FASHION_MNIST_DIR when it is set, else
// from Debian's package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) when it is installed, else
// from @betterdl/datasets' own download into its cache (SHA-256 checked, kept for the next run); each run
// says which. An offline machine with neither gets one error naming both ways to get the data. The Keras
// cookbook recipes want MNIST: it is used when it is already in the cache, else Fashion-MNIST (same shapes).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  dataHome,
  FASHION_MNIST,
  type LoadMnistOptions,
  loadFashionMnist,
  loadMnist,
  MNIST,
  type MnistData,
} from '@betterdl/datasets/node';
import { BetterDLError, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Where Debian's package dataset-fashion-mnist installs the four IDX files. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';

/** What the data helpers read from the machine; tests pass their own. */
export interface DataDeps {
  env: Record<string, string | undefined>;
  exists: (path: string) => boolean;
  /** The root of the download cache (`@betterdl/datasets`' `dataHome()`). */
  dataHome: () => string;
  loadFashionMnist: (options: LoadMnistOptions) => Promise<MnistData>;
  loadMnist: (options: LoadMnistOptions) => Promise<MnistData>;
  log: (line: string) => void;
}

/** This machine: the process environment, the real file system, the real loaders, lines on stdout. */
export const machine: DataDeps = {
  env: process.env,
  exists: existsSync,
  dataHome,
  loadFashionMnist,
  loadMnist,
  log: (line) => console.log(line),
};

/** Where Fashion-MNIST is read from. */
export interface FashionMnistSource {
  /** `env`: FASHION_MNIST_DIR; `debian`: the Debian package's folder; `cache`: the download cache. */
  kind: 'env' | 'debian' | 'cache';
  dir: string;
}

const hasFile = (deps: DataDeps, dir: string, gz: string) =>
  deps.exists(join(dir, gz)) || deps.exists(join(dir, gz.replace(/\.gz$/, '')));

/** Decides where Fashion-MNIST comes from, without reading or downloading anything. */
export function fashionMnistSource(deps: DataDeps = machine): FashionMnistSource {
  const fromEnv = deps.env.FASHION_MNIST_DIR;
  if (fromEnv) return { kind: 'env', dir: fromEnv };
  if (hasFile(deps, DEBIAN_FASHION_MNIST, FASHION_MNIST.files.trainImages.file))
    return { kind: 'debian', dir: DEBIAN_FASHION_MNIST };
  return { kind: 'cache', dir: join(deps.dataHome(), FASHION_MNIST.name) };
}

/** The line a run prints to say where its Fashion-MNIST comes from. */
export function describeSource(src: FashionMnistSource, deps: DataDeps = machine): string {
  if (src.kind === 'env') return `Fashion-MNIST from ${src.dir} (FASHION_MNIST_DIR)`;
  if (src.kind === 'debian') return `Fashion-MNIST from ${src.dir} (Debian's dataset-fashion-mnist)`;
  const cached = Object.values(FASHION_MNIST.files).every((f) => hasFile(deps, src.dir, f.file));
  return cached
    ? `Fashion-MNIST from the download cache ${src.dir}`
    : `Fashion-MNIST: ${DEBIAN_FASHION_MNIST} is not here, so @betterdl/datasets downloads it into ${src.dir} (about 30 MB, SHA-256 checked, once)`;
}

/** The one error of a machine that has Fashion-MNIST neither on disk nor within reach of a download. */
export function noFashionMnist(cacheDir: string, cause: unknown): BetterDLError {
  // The downloader's message lists every attempt, one a line: its first line and the last attempt say enough.
  const lines = String((cause as Error)?.message ?? cause)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const attempt = lines.filter((l) => /\(attempt \d+\)/.test(l)).at(-1);
  const why = attempt ? `${lines[0]} … ${attempt}` : lines.join(' ') || 'unknown error';
  return new BetterDLError(
    'IO_ERROR',
    `Fashion-MNIST is not on this machine and could not be downloaded (${why}). Two ways to get it: ` +
      `install Debian's package dataset-fashion-mnist (sudo apt-get install dataset-fashion-mnist, which puts ` +
      `the four IDX files in ${DEBIAN_FASHION_MNIST}; or set FASHION_MNIST_DIR to a folder that has them), or ` +
      `run once with network access so that @betterdl/datasets downloads them into ${cacheDir} ` +
      `(set BETTERDL_DATA_HOME to use another cache).`,
    { cause },
  );
}

/** Reads Fashion-MNIST with `loadFashionMnist(options)` from where {@link fashionMnistSource} says, and says so. */
export async function loadFashion(
  options: LoadMnistOptions = {},
  deps: DataDeps = machine,
): Promise<MnistData> {
  const src = fashionMnistSource(deps);
  deps.log(describeSource(src, deps));
  if (src.kind !== 'cache') return deps.loadFashionMnist({ ...options, dir: src.dir });
  try {
    return await deps.loadFashionMnist({ ...options, cacheDir: src.dir, download: true });
  } catch (err) {
    if (isBetterDLError(err) && err.code === 'IO_ERROR') throw noFashionMnist(src.dir, err);
    throw err;
  }
}

/**
 * The folder that holds the four Fashion-MNIST IDX files, for examples that read them file by file: the
 * FASHION_MNIST_DIR or Debian folder, else the cache, downloaded into first when files are missing.
 */
export async function fashionMnistFolder(deps: DataDeps = machine): Promise<string> {
  const src = fashionMnistSource(deps);
  deps.log(describeSource(src, deps));
  if (src.kind !== 'cache') return src.dir;
  try {
    const { train, test } = await deps.loadFashionMnist({ cacheDir: src.dir, download: true, limit: 1 });
    tf.dispose([train.x, train.y, test.x, test.y]);
  } catch (err) {
    if (isBetterDLError(err) && err.code === 'IO_ERROR') throw noFashionMnist(src.dir, err);
    throw err;
  }
  return src.dir;
}

/** 28×28 digit images for the cookbook recipes: MNIST when it is in the cache, else Fashion-MNIST. */
export async function loadDigits(
  options: LoadMnistOptions = {},
  deps: DataDeps = machine,
): Promise<{ data: MnistData; dataset: 'MNIST' | 'Fashion-MNIST' }> {
  try {
    // MNIST from the cache only (download: false): say so and fall back when it is not on this machine.
    const cacheDir = join(deps.dataHome(), MNIST.name);
    return { data: await deps.loadMnist({ ...options, cacheDir, download: false }), dataset: 'MNIST' };
  } catch (err) {
    deps.log(`MNIST is not on this machine (${(err as Error).message.split('\n')[0]})`);
    deps.log(
      'Using Fashion-MNIST instead: the same 28×28 grey images and 10 classes, of clothes rather than digits.',
    );
    return { data: await loadFashion(options, deps), dataset: 'Fashion-MNIST' };
  }
}
