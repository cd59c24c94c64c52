import { initRuntime, isBetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModel, toyData, weightValues } from './fixtures/helpers';
import { getLearningRate, setLearningRate } from './learning-rate';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

const makers: Record<string, (lr: number) => tf.Optimizer> = {
  sgd: (lr) => tf.train.sgd(lr),
  momentum: (lr) => tf.train.momentum(lr, 0.9),
  adam: (lr) => tf.train.adam(lr),
  adamax: (lr) => tf.train.adamax(lr),
  rmsprop: (lr) => tf.train.rmsprop(lr),
  adagrad: (lr) => tf.train.adagrad(lr),
  adadelta: (lr) => tf.train.adadelta(lr),
};

describe('getLearningRate / setLearningRate', () => {
  for (const [name, make] of Object.entries(makers)) {
    it(`${name}: the new rate is used by the next step and the optimizer state is kept`, async () => {
      const { x, y } = toyData();
      // Reference: train 2 epochs at 0.01, then 2 at 0.003, on a fresh optimizer made with 0.003 at that point?
      // No: state must carry over, so compare two identical runs where only the in-place change differs.
      const run = async (change: boolean) => {
        const model = tinyModel(make(0.01));
        model.setWeights(model.weights.map((w, i) => tf.fill(w.shape as number[], 0.1 * (i + 1))));
        await model.fit(x, y, { epochs: 2, verbose: 0, shuffle: false, batchSize: 16 });
        const before = model.optimizer;
        if (change) setLearningRate(model.optimizer, 0.003);
        expect(getLearningRate(model.optimizer)).toBe(change ? 0.003 : 0.01);
        await model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false, batchSize: 16 });
        expect(model.optimizer).toBe(before);
        expect(model.optimizer.iterations).toBe(3);
        const w = weightValues(model);
        model.optimizer.dispose();
        return w;
      };
      const same = await run(false);
      const changed = await run(true);
      expect(changed).not.toEqual(same);
      // The step after the change is smaller than the unchanged one (adadelta's rate scales the update too).
      tf.dispose([x, y]);
    });
  }

  it('sgd: setLearningRate scales the very next update exactly', async () => {
    const { x, y } = toyData();
    const step = async (lr: number) => {
      const model = tinyModel(tf.train.sgd(1));
      model.setWeights(model.weights.map((w) => tf.fill(w.shape as number[], 0.2)));
      const w0 = weightValues(model);
      setLearningRate(model.optimizer, lr);
      await model.fit(x, y, { epochs: 1, verbose: 0, shuffle: false, batchSize: 16 });
      const w1 = weightValues(model);
      return ((w1[3] as Float32Array)[0] as number) - ((w0[3] as Float32Array)[0] as number);
    };
    const a = await step(0.1);
    const b = await step(0.2);
    expect(b / a).toBeCloseTo(2, 4);
    tf.dispose([x, y]);
  });

  it('unknown optimizers and bad rates give clear errors', () => {
    const fake = { getClassName: () => 'Lion', learningRate: 0.1 } as unknown as tf.Optimizer;
    expect(() => getLearningRate(fake)).toThrow(/unsupported optimizer 'Lion'/);
    let err: unknown;
    try {
      setLearningRate(fake, 0.1);
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    expect(() => setLearningRate(tf.train.sgd(0.1), Number.NaN)).toThrow(/finite number/);
  });
});
