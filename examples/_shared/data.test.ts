// The data helper's choices, on an injected machine: no network, and the same result whether or not this
// machine has Debian's dataset-fashion-mnist.
import { join } from 'node:path';
import type { LoadMnistOptions, MnistData } from '@betterdl/datasets/node';
import { BetterDLError, initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type DataDeps,
  DEBIAN_FASHION_MNIST,
  fashionMnistFolder,
  fashionMnistSource,
  loadDigits,
  loadFashion,
} from './data';

const HOME = '/fake/home/datasets';
const CACHE = join(HOME, 'fashion-mnist');
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];

const tiny = (): MnistData => ({
  train: { x: tf.zeros([1, 784]), y: tf.zeros([1, 10]) as tf.Tensor2D },
  test: { x: tf.zeros([1, 784]), y: tf.zeros([1, 10]) as tf.Tensor2D },
});
const disposeData = (d: MnistData) => tf.dispose([d.train.x, d.train.y, d.test.x, d.test.y]);

/** A machine with the given files, environment and loader behaviour; records what was called and printed. */
function fakeMachine(opts: {
  files?: string[];
  env?: Record<string, string>;
  fashion?: (o: LoadMnistOptions) => Promise<MnistData>;
  mnist?: (o: LoadMnistOptions) => Promise<MnistData>;
}) {
  const files = new Set(opts.files ?? []);
  const calls: { fn: string; options: LoadMnistOptions }[] = [];
  const lines: string[] = [];
  const deps: DataDeps = {
    env: opts.env ?? {},
    exists: (p) => files.has(p),
    dataHome: () => HOME,
    loadFashionMnist: async (o) => {
      calls.push({ fn: 'loadFashionMnist', options: o });
      return (opts.fashion ?? (async () => tiny()))(o);
    },
    loadMnist: async (o) => {
      calls.push({ fn: 'loadMnist', options: o });
      return (opts.mnist ?? (async () => tiny()))(o);
    },
    log: (l) => lines.push(l),
  };
  return { deps, calls, lines };
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

const debianFiles = FILES.map((f) => join(DEBIAN_FASHION_MNIST, f));
const offline = async (): Promise<MnistData> => {
  throw new BetterDLError(
    'IO_ERROR',
    'Could not download train-images-idx3-ubyte.gz:\n  https://x (attempt 1): fetch failed',
  );
};

describe('fashionMnistSource', () => {
  it('prefers FASHION_MNIST_DIR, then the Debian folder, then the download cache', () => {
    expect(
      fashionMnistSource(fakeMachine({ files: debianFiles, env: { FASHION_MNIST_DIR: '/mine' } }).deps),
    ).toEqual({ kind: 'env', dir: '/mine' });
    expect(fashionMnistSource(fakeMachine({ files: debianFiles }).deps)).toEqual({
      kind: 'debian',
      dir: DEBIAN_FASHION_MNIST,
    });
    expect(fashionMnistSource(fakeMachine({ files: [] }).deps)).toEqual({ kind: 'cache', dir: CACHE });
  });

  it('takes the Debian folder with unzipped files too', () => {
    const plain = [join(DEBIAN_FASHION_MNIST, 'train-images-idx3-ubyte')];
    expect(fashionMnistSource(fakeMachine({ files: plain }).deps).kind).toBe('debian');
  });
});

describe('loadFashion', () => {
  it('reads the Debian folder when it is there, and says so', async () => {
    const m = fakeMachine({ files: debianFiles });
    disposeData(await loadFashion({ oneHot: true, limit: 5 }, m.deps));
    expect(m.calls).toEqual([
      { fn: 'loadFashionMnist', options: { oneHot: true, limit: 5, dir: DEBIAN_FASHION_MNIST } },
    ]);
    expect(m.lines).toEqual([`Fashion-MNIST from ${DEBIAN_FASHION_MNIST} (Debian's dataset-fashion-mnist)`]);
  });

  it("otherwise lets the package's loader download into its cache (checksummed), and says so", async () => {
    const m = fakeMachine({ files: [] });
    disposeData(await loadFashion({ limit: 5 }, m.deps));
    expect(m.calls).toEqual([
      { fn: 'loadFashionMnist', options: { limit: 5, cacheDir: CACHE, download: true } },
    ]);
    expect(m.lines[0]).toMatch(/is not here, so @betterdl\/datasets downloads it into .*fashion-mnist/);
    expect(m.lines[0]).toContain('SHA-256 checked');
  });

  it('says when the cache already has the files', async () => {
    const m = fakeMachine({ files: FILES.map((f) => join(CACHE, f)) });
    disposeData(await loadFashion({}, m.deps));
    expect(m.lines).toEqual([`Fashion-MNIST from the download cache ${CACHE}`]);
  });

  it('offline without either: one error naming both ways to get the data', async () => {
    const m = fakeMachine({ files: [], fashion: offline });
    const err = await loadFashion({}, m.deps).catch((e: unknown) => e);
    expect(isBetterDLError(err)).toBe(true);
    expect((err as BetterDLError).code).toBe('IO_ERROR');
    const msg = (err as Error).message;
    expect(msg).toContain('fetch failed');
    expect(msg).toContain('sudo apt-get install dataset-fashion-mnist');
    expect(msg).toContain('FASHION_MNIST_DIR');
    expect(msg).toContain(`downloads them into ${CACHE}`);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('passes other failures (a corrupt file) through unchanged', async () => {
    const corrupt = new BetterDLError('INVALID_DATA', 'the gzip data is corrupt');
    const m = fakeMachine({ files: [], fashion: async () => Promise.reject(corrupt) });
    await expect(loadFashion({}, m.deps)).rejects.toBe(corrupt);
  });
});

describe('fashionMnistFolder', () => {
  it('returns the Debian folder without reading it', async () => {
    const m = fakeMachine({ files: debianFiles });
    expect(await fashionMnistFolder(m.deps)).toBe(DEBIAN_FASHION_MNIST);
    expect(m.calls).toEqual([]);
  });

  it('downloads into the cache first when the Debian folder is absent', async () => {
    const before = tf.memory().numTensors;
    const m = fakeMachine({ files: [] });
    expect(await fashionMnistFolder(m.deps)).toBe(CACHE);
    expect(m.calls).toEqual([
      { fn: 'loadFashionMnist', options: { cacheDir: CACHE, download: true, limit: 1 } },
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('offline: the same error as loadFashion', async () => {
    const m = fakeMachine({ files: [], fashion: offline });
    await expect(fashionMnistFolder(m.deps)).rejects.toThrow(/Two ways to get it/);
  });
});

describe('loadDigits', () => {
  it('uses MNIST when it is in the cache (never downloading it)', async () => {
    const m = fakeMachine({ files: [] });
    const { data, dataset } = await loadDigits({ flatten: true }, m.deps);
    disposeData(data);
    expect(dataset).toBe('MNIST');
    expect(m.calls).toEqual([
      {
        fn: 'loadMnist',
        options: { flatten: true, cacheDir: join(HOME, 'mnist'), download: false },
      },
    ]);
  });

  it('falls back to Fashion-MNIST and says why', async () => {
    const m = fakeMachine({
      files: debianFiles,
      mnist: async () => {
        throw new BetterDLError('IO_ERROR', 'mnist: x is missing and download is false.\nmore');
      },
    });
    const { data, dataset } = await loadDigits({}, m.deps);
    disposeData(data);
    expect(dataset).toBe('Fashion-MNIST');
    expect(m.lines).toEqual([
      'MNIST is not on this machine (mnist: x is missing and download is false.)',
      'Using Fashion-MNIST instead: the same 28×28 grey images and 10 classes, of clothes rather than digits.',
      `Fashion-MNIST from ${DEBIAN_FASHION_MNIST} (Debian's dataset-fashion-mnist)`,
    ]);
  });
});
