import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { relErr } from '../kernels/fixtures/test-utils';
import { setSeed } from '../seed';
import { lastFitPath } from './fit';

afterAll(() => setSeed(null));

/** Lesson 04's model in small: Dense(24, relu) → BatchNormalization → Dense(1, sigmoid), SGD with momentum. */
async function fit(backend: string, fastPaths: boolean, bn: { momentum?: number; epsilon?: number } = {}) {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 5 });
  const x = tf.randomUniform([60, 2], -1, 1);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.square(x), 1, true), 0.5), 'float32'));
  const vx = tf.randomUniform([40, 2], -1, 1);
  const vy = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.square(vx), 1, true), 0.5), 'float32'));
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 24, activation: 'relu' }),
      tfl.layers.batchNormalization(bn),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({
    optimizer: tf.train.momentum(0.05, 0.9),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, { epochs: 10, batchSize: 16, validationData: [vx, vy], verbose: 0 });
  const out = {
    history: h.history as Record<string, number[]>,
    path: lastFitPath(model),
    // gamma, beta, moving mean and variance included
    weights: model.getWeights().map((w) => [...w.dataSync()]),
    leaked: tf.memory().numTensors - before,
  };
  model.dispose();
  tf.dispose([x, y, vx, vy]);
  return out;
}

describe.each(['cpu', 'wasm'])('BatchNormalization in the small-model trainer on %s', (backend) => {
  it.each([{}, { momentum: 0.9, epsilon: 1e-2 }])(
    'batch statistics, moving averages and validation as stock (%o)',
    async (args) => {
      const stock = await fit(backend, false, args);
      const fast = await fit(backend, true, args);
      expect(fast.path).toBe('dense-stack');
      expect(Object.keys(fast.history)).toEqual(Object.keys(stock.history));
      for (const [k, v] of Object.entries(stock.history))
        expect(relErr(fast.history[k] as number[], v), k).toBeLessThan(1e-5);
      expect(fast.weights.length).toBe(8);
      fast.weights.forEach((w, i) => {
        expect(relErr(w, stock.weights[i] as number[]), `weight ${i}`).toBeLessThan(1e-5);
      });
      expect(fast.leaked).toBe(0);
      expect(stock.leaked).toBe(0);
    },
  );

  it('keeps the stock loop where the trainer would differ from tfjs', async () => {
    await initRuntime({ backend, verbose: false, seed: 5 });
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [2], units: 4 }),
        tfl.layers.batchNormalization({ center: false }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.ones([8, 2]);
    const y = tf.ones([8, 1]);
    await model.fit(x, y, { epochs: 1, verbose: 0 }).catch(() => undefined);
    expect(lastFitPath(model)).toBe('BatchNormalization without center and scale');
    model.dispose();
    tf.dispose([x, y]);
  });
});
