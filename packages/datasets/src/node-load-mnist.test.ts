import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../scripts/test-support/requirements';
import { encodeIdx } from './idx';
import { loadFashionMnist, loadMnist } from './node-load-mnist';

let dir: string;
const N = 5;
const pixels = Uint8Array.from({ length: N * 4 * 3 }, (_, i) => (i * 7) % 256);
const labels = Uint8Array.from([3, 0, 9, 1, 3]);
const testPixels = Uint8Array.from({ length: 2 * 12 }, (_, i) => 255 - i);

async function writeSet(d: string, gz: boolean, overrides: Record<string, Uint8Array> = {}) {
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': encodeIdx({ dtype: 'uint8', shape: [N, 4, 3], data: pixels }),
    'train-labels-idx1-ubyte': encodeIdx({ dtype: 'uint8', shape: [N], data: labels }),
    't10k-images-idx3-ubyte': encodeIdx({ dtype: 'uint8', shape: [2, 4, 3], data: testPixels }),
    't10k-labels-idx1-ubyte': encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([7, 2]) }),
    ...overrides,
  };
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(d, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  dir = await mkdtemp(join(tmpdir(), 'betterdl-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadMnist / loadFashionMnist from a directory', () => {
  it('reads gzipped files into scaled [n, h, w, 1] images and [n, 1] labels', async () => {
    const d = join(dir, 'gz');
    await import('node:fs/promises').then((fs) => fs.mkdir(d));
    await writeSet(d, true);
    const before = tf.memory().numTensors;
    const { train, test } = await loadMnist({ dir: d });
    expect(train.x.shape).toEqual([N, 4, 3, 1]);
    expect(train.y.shape).toEqual([N, 1]);
    expect(test.x.shape).toEqual([2, 4, 3, 1]);
    const xs = train.x.dataSync();
    expect(xs[1]).toBeCloseTo(7 / 255, 6);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(Array.from(train.y.dataSync())).toEqual([3, 0, 9, 1, 3]);
    expect(Array.from(test.y.dataSync())).toEqual([7, 2]);
    tf.dispose([train.x, train.y, test.x, test.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads uncompressed files; flatten, oneHot, scale: false and limit', async () => {
    const d = join(dir, 'raw');
    await import('node:fs/promises').then((fs) => fs.mkdir(d));
    await writeSet(d, false);
    const { train, test } = await loadFashionMnist({
      dir: d,
      flatten: true,
      oneHot: true,
      scale: false,
      limit: 3,
    });
    expect(train.x.shape).toEqual([3, 12]);
    expect(Array.from(train.x.dataSync().slice(0, 3))).toEqual([0, 7, 14]);
    expect(train.y.arraySync()[2]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(test.x.shape).toEqual([2, 12]);
    tf.dispose([train.x, train.y, test.x, test.y]);
  });

  it('refuses mismatched, truncated, corrupt or missing files, naming them', async () => {
    const mk = async (name: string, over: Record<string, Uint8Array>, gz = false) => {
      const d = join(dir, name);
      await import('node:fs/promises').then((fs) => fs.mkdir(d));
      await writeSet(d, gz, over);
      return d;
    };
    const before = tf.memory().numTensors;
    const mismatch = await mk('mismatch', {
      'train-labels-idx1-ubyte': encodeIdx({ dtype: 'uint8', shape: [4], data: labels.subarray(0, 4) }),
    });
    await expect(loadMnist({ dir: mismatch })).rejects.toThrow(
      /train-images-idx3-ubyte has 5 images but .*train-labels-idx1-ubyte has 4 labels/,
    );
    const full = encodeIdx({ dtype: 'uint8', shape: [N, 4, 3], data: pixels });
    const truncated = await mk('truncated', { 'train-images-idx3-ubyte': full.subarray(0, full.length - 5) });
    await expect(loadMnist({ dir: truncated })).rejects.toThrow(
      /truncated\/train-images-idx3-ubyte: truncated/,
    );
    const corrupt = await mk('corrupt', {}, true);
    const gz = gzipSync(full);
    await writeFile(join(corrupt, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 20));
    await expect(loadMnist({ dir: corrupt })).rejects.toThrow(
      /train-images-idx3-ubyte.gz: the gzip data is corrupt or truncated/,
    );
    const swapped = await mk('swapped', {
      't10k-labels-idx1-ubyte': encodeIdx({ dtype: 'uint8', shape: [2, 4, 3], data: testPixels }),
    });
    await expect(loadMnist({ dir: swapped })).rejects.toThrow(
      /t10k-labels-idx1-ubyte: has rank 3 but 1 was expected/,
    );
    await expect(loadMnist({ dir: join(dir, 'nowhere') })).rejects.toThrow(
      /neither train-images-idx3-ubyte.gz nor/,
    );
    await expect(loadMnist({ dir, limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('real Fashion-MNIST (Debian dataset-fashion-mnist)', () => {
  const data = needs('fashion-mnist');
  data.it('has 60000 + 10000 images with 6000 / 1000 per class', async () => {
    const { train, test } = await loadFashionMnist({ dir: data.fashionMnistDir!, flatten: true });
    expect(train.x.shape).toEqual([60000, 784]);
    expect(test.x.shape).toEqual([10000, 784]);
    const count = (y: tf.Tensor) => {
      const c = new Array(10).fill(0);
      for (const v of y.dataSync()) c[v]++;
      return c;
    };
    expect(count(train.y)).toEqual(new Array(10).fill(6000));
    expect(count(test.y)).toEqual(new Array(10).fill(1000));
    const first = tf.slice(train.x, [0, 0], [1, 784]);
    const px = first.dataSync();
    expect(Math.min(...px)).toBe(0);
    expect(Math.max(...px)).toBeLessThanOrEqual(1);
    expect(train.y.dataSync()[0]).toBe(9); // the first training image is an ankle boot
    tf.dispose([first, train.x, train.y, test.x, test.y]);
  });
});
