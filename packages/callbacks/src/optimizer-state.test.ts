import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { tinyModel, toyData, weightValues } from './fixtures/helpers';
import { getLearningRate, setLearningRate } from './learning-rate';
import { captureOptimizerState, readWeights, restoreOptimizerState, writeWeights } from './optimizer-state';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

const makers: Record<string, () => tf.Optimizer> = {
  sgd: () => tf.train.sgd(0.1),
  momentum: () => tf.train.momentum(0.1, 0.9, true),
  adam: () => tf.train.adam(0.01),
  adamax: () => tf.train.adamax(0.01),
  rmsprop: () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7, true),
  adagrad: () => tf.train.adagrad(0.1),
  adadelta: () => tf.train.adadelta(1),
};

for (const [name, make] of Object.entries(makers)) {
  it(`${name}: capture → train on → restore rewinds exactly (same next step, rate, no leaks)`, async () => {
    const { x, y } = toyData(16);
    const fit = (m: ReturnType<typeof tinyModel>) =>
      m.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const model = tinyModel(make());
    await fit(model);
    const weights = await readWeights(model);
    const state = await captureOptimizerState(model.optimizer);
    await fit(model);
    const want = weightValues(model);
    const count = tf.memory().numTensors;
    setLearningRate(model.optimizer, 123);
    writeWeights(model, weights);
    await restoreOptimizerState(model.optimizer, state);
    expect(tf.memory().numTensors).toBe(count);
    expect(getLearningRate(model.optimizer)).toBe(state.learningRate);
    expect(model.optimizer.iterations).toBe(2);
    expect(await captureOptimizerState(model.optimizer)).toEqual(state);
    await fit(model);
    expect(weightValues(model)).toEqual(want);
    model.optimizer.dispose();
    tf.dispose([x, y]);
  });
}

it('restoring into another optimizer class is a clear error', async () => {
  const state = await captureOptimizerState(tf.train.adam(0.1));
  await expect(restoreOptimizerState(tf.train.sgd(0.1), state)).rejects.toThrow(
    /Cannot restore Adam optimizer state into a SGD/,
  );
});
