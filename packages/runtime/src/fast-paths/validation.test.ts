import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { relErr } from '../kernels/fixtures/test-utils';
import type { LayersModelInternals } from '../tfjs-internals';
import { VALIDATION_BUDGET, validationBatchSize, validationTestLoop } from './validation';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 3 });
});

type Inner = LayersModelInternals & {
  makeTestFunction(): void;
  testFunction: (ins: tf.Tensor[]) => tf.Tensor[];
  testLoop: (f: unknown, ins: tf.Tensor[], batchSize?: number) => tf.Tensor[];
};

function mlp(inputShape: number[], units: number, batchSize?: number): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        ...(batchSize ? { batchInputShape: [batchSize, ...inputShape] } : { inputShape }),
        units,
        activation: 'relu',
      }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
const inner = (m: tfl.LayersModel) => (m as unknown as { model: Inner }).model;

describe('validationBatchSize', () => {
  it('takes the whole set for a small model, bounded by the activation budget for a large one', () => {
    const small = mlp([2], 500);
    expect(validationBatchSize(inner(small), 32, 70)).toBe(70);
    const wide = mlp([784], 4096);
    const perSample = 784 + 4096 + 1;
    expect(validationBatchSize(inner(wide), 32, 10_000)).toBe(Math.floor(VALIDATION_BUDGET / perSample));
    expect(validationBatchSize(inner(wide), 32, 10_000, 1000)).toBe(32);
    small.dispose();
    wide.dispose();
  });

  it('keeps the training batch size when the model fixes its batch', () => {
    const fixed = mlp([2], 8, 16);
    expect(validationBatchSize(inner(fixed), 16, 70)).toBe(16);
    fixed.dispose();
  });
});

describe('validationTestLoop', () => {
  it('equals the stock testLoop within float32 rounding, in one batch and in several, without leaks', () => {
    const model = mlp([2], 32);
    const m = inner(model);
    m.makeTestFunction();
    const x = tf.randomUniform([70, 2], -1, 1);
    const y = tf.cast(tf.greater(tf.randomUniform([70, 1]), 0.5), 'float32');
    const stock = m.testLoop(m.testFunction, [x, y], 32);
    for (const budget of [VALIDATION_BUDGET, 35 * 40]) {
      const before = tf.memory().numTensors;
      const fast = validationTestLoop(m, budget).call(m, m.testFunction, [x, y], 32);
      expect(fast).toHaveLength(2);
      for (let i = 0; i < 2; i++)
        expect(
          relErr(fast[i]?.dataSync() as Float32Array, stock[i]?.dataSync() as Float32Array),
        ).toBeLessThan(1e-6);
      tf.dispose(fast);
      expect(tf.memory().numTensors).toBe(before);
    }
    tf.dispose([...stock, x, y]);
    model.dispose();
  });
});
