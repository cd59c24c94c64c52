import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFeatures } from './extract-features';
import { featureExtractor } from './feature-extractor';
import { tinyCnn } from './fixtures/models';

let cnn: ReturnType<typeof tinyCnn>;
beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 5 });
  cnn = tinyCnn();
});
afterAll(() => cnn.dispose());

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('extractFeatures', () => {
  it('matches one big predict, for any batch size, with the right shape and no leaks', async () => {
    const fx = featureExtractor(cnn, { upTo: 'conv2' });
    const x = tf.randomNormal([23, 8, 8, 1]);
    const whole = fx.predict(x) as tf.Tensor;
    for (const batchSize of [1, 5, 64]) {
      const seen: number[] = [];
      const feats = await assertNoLeaks(
        () => extractFeatures(fx, x, { batchSize, onBatch: (n) => seen.push(n) }),
        'extractFeatures',
      );
      expect(feats.shape).toEqual([23, 2, 2, 4]);
      expect(maxDiff(feats, whole)).toBeLessThan(1e-6);
      expect(seen.at(-1)).toBe(23);
      expect(seen).toHaveLength(Math.ceil(23 / batchSize));
      feats.dispose();
    }
    tf.dispose([x, whole]);
  });

  it('reads batches from an iterable, an async generator or a Dataset-like and disposes them', async () => {
    const fx = featureExtractor(cnn);
    const x = tf.randomNormal([10, 8, 8, 1]);
    const whole = fx.predict(x) as tf.Tensor;
    const batches = () => [tf.slice(x, 0, 4), tf.slice(x, 4, 4), tf.slice(x, 8, 2)];
    const list = batches();
    const a = await extractFeatures(fx, list);
    expect(list.every((t) => t.isDisposed)).toBe(true);
    async function* gen() {
      yield* batches();
    }
    const b = await extractFeatures(fx, gen());
    const dsBatches = batches();
    const c = await extractFeatures(
      fx,
      {
        iterator: async () => {
          let i = 0;
          return {
            next: async () =>
              i < 3 ? { value: dsBatches[i++] as tf.Tensor, done: false } : { value: undefined, done: true },
          };
        },
      },
      { disposeBatches: false },
    );
    expect(dsBatches.every((t) => !t.isDisposed)).toBe(true);
    for (const f of [a, b, c]) {
      expect(f.shape).toEqual([10, 16]);
      expect(maxDiff(f, whole)).toBeLessThan(1e-6);
    }
    tf.dispose([x, whole, a, b, c, ...dsBatches]);
  });

  it('rejects a bad batch size and an empty input', async () => {
    const fx = featureExtractor(cnn);
    const x = tf.zeros([2, 8, 8, 1]);
    await expect(extractFeatures(fx, x, { batchSize: 0 })).rejects.toThrow(/positive integer/);
    await expect(extractFeatures(fx, [])).rejects.toThrow(/no samples/);
    // @ts-expect-error: runtime guard
    await expect(extractFeatures(fx, 42)).rejects.toThrow(/tensor, an iterable/);
    x.dispose();
  });
});
