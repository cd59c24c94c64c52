import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentationMatrix, imageAugmenter, transformBatch } from './image-augmenter';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

// A 3x4 single-channel image with distinct pixel values 0..11.
const img = () =>
  tf.tensor4d(
    Array.from({ length: 12 }, (_, i) => i),
    [1, 3, 4, 1],
  );
const apply = (m: number[]) =>
  tf.tidy(() =>
    Array.from(tf.image.transform(img(), tf.tensor2d([m]), 'nearest', 'constant', -1).dataSync()),
  );

describe('augmentationMatrix', () => {
  it('identity, mirror, integer shift and 180° rotation move pixels where expected', () => {
    const id = { angle: 0, zoom: 1, tx: 0, ty: 0, flip: false };
    expect(apply(augmentationMatrix(id, 4, 3))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(apply(augmentationMatrix({ ...id, flip: true }, 4, 3))).toEqual([
      3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8,
    ]);
    expect(apply(augmentationMatrix({ ...id, tx: 1 }, 4, 3))).toEqual([
      -1, 0, 1, 2, -1, 4, 5, 6, -1, 8, 9, 10,
    ]);
    expect(apply(augmentationMatrix({ ...id, ty: -1 }, 4, 3))).toEqual([
      4, 5, 6, 7, 8, 9, 10, 11, -1, -1, -1, -1,
    ]);
    expect(apply(augmentationMatrix({ ...id, angle: Math.PI }, 4, 3))).toEqual([
      11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
    ]);
  });
});

describe('imageAugmenter', () => {
  it('is reproducible with a seed, differs per image, keeps shape, and leaks nothing', async () => {
    const batch = tf.tidy(() => tf.tile(img(), [4, 1, 1, 1]));
    const run = () =>
      assertNoLeaks(() => {
        const aug = imageAugmenter({
          rotation: 20,
          widthShift: 0.2,
          zoom: 0.1,
          noise: 0.05,
          flipHorizontal: true,
          seed: 3,
        });
        const out = aug.apply(batch);
        const v = Array.from(out.dataSync());
        expect(out.shape).toEqual([4, 3, 4, 1]);
        out.dispose();
        return v;
      }, 'imageAugmenter.apply');
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(a.slice(0, 12)).not.toEqual(a.slice(12, 24));
    const c = imageAugmenter({ rotation: 20, seed: 4 }).apply(batch);
    expect(Array.from(c.dataSync())).not.toEqual(a);
    tf.dispose([batch, c]);
  });

  it('with no options returns the images unchanged (as float32); accepts one image', () => {
    const x = img();
    const same = imageAugmenter().apply(x);
    expect(Array.from(same.dataSync())).toEqual(Array.from(x.dataSync()));
    const one = tf.squeeze(x, [0]) as tf.Tensor3D;
    const flipped = imageAugmenter({ flipHorizontal: true, seed: 0 }).apply(one);
    expect(flipped.shape).toEqual([3, 4, 1]);
    tf.dispose([x, same, one, flipped]);
  });

  it('flips about half the images', () => {
    const aug = imageAugmenter({ flipHorizontal: true, seed: 1 });
    const flips = Array.from({ length: 400 }, () => aug.sample(28, 28).flip).filter(Boolean).length;
    expect(flips).toBeGreaterThan(160);
    expect(flips).toBeLessThan(240);
  });

  it('validates options at construction', () => {
    expect(() => imageAugmenter({ rotation: -5 })).toThrow(/rotation must be a number in \[0, 180\]/);
    expect(() => imageAugmenter({ zoom: 1 })).toThrow(/zoom must be a number in \[0, 0.99\]/);
    expect(() => imageAugmenter({ fillMode: 'mirror' as 'wrap' })).toThrow(/fillMode must be/);
    expect(() => imageAugmenter({ seed: -1 })).toThrow(/seed must be an integer/);
    const x = tf.zeros([2, 2]);
    expect(() => imageAugmenter().apply(x as unknown as tf.Tensor3D)).toThrow(/expected images/);
    x.dispose();
  });
});

describe('imageAugmenter on wasm', () => {
  it('gives the same geometric augmentation as on cpu', async () => {
    const run = () => {
      const x = tf.tidy(() => tf.tile(img(), [3, 1, 1, 1]));
      const out = imageAugmenter({
        rotation: 30,
        widthShift: 0.25,
        zoom: 0.2,
        flipHorizontal: true,
        seed: 9,
      }).apply(x);
      const v = Array.from(out.dataSync());
      tf.dispose([x, out]);
      return v;
    };
    const onCpu = run();
    await initRuntime({ backend: 'wasm', verbose: false });
    try {
      const before = tf.memory().numTensors;
      const onWasm = run();
      expect(tf.memory().numTensors).toBe(before);
      onWasm.forEach((v, i) => {
        expect(Math.abs(v - (onCpu[i] as number))).toBeLessThan(1e-4);
      });
    } finally {
      await initRuntime({ backend: 'cpu', verbose: false });
    }
  });
});

describe('transformBatch', () => {
  it('transforms every image of a batch with its own matrix, and reflects, on cpu and wasm alike', async () => {
    const id = { angle: 0, zoom: 1, tx: 0, ty: 0, flip: false };
    const ms = Float32Array.from([
      ...augmentationMatrix(id, 4, 3),
      ...augmentationMatrix({ ...id, flip: true }, 4, 3),
      ...augmentationMatrix({ ...id, tx: 1 }, 4, 3),
    ]);
    const row = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const expected = {
      constant: [...row, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, -1, 0, 1, 2, -1, 4, 5, 6, -1, 8, 9, 10],
      reflect: [...row, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 0, 0, 1, 2, 4, 4, 5, 6, 8, 8, 9, 10],
    };
    for (const backend of ['cpu', 'wasm']) {
      await initRuntime({ backend, verbose: false });
      for (const mode of ['constant', 'reflect'] as const) {
        const before = tf.memory().numTensors;
        const got = tf.tidy(() => {
          const x = tf.tensor4d([...row, ...row, ...row], [3, 3, 4, 1]);
          return Array.from(transformBatch(x, ms, mode, -1).dataSync());
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(got, `${backend} ${mode}`).toEqual(expected[mode]);
      }
    }
    await initRuntime({ backend: 'cpu', verbose: false });
  });
});
