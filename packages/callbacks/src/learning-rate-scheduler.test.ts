import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectNoBatchHooks, tinyModel, toyData } from './fixtures/helpers';
import { getLearningRate } from './learning-rate';
import { learningRateScheduler, stepScheduler } from './learning-rate-scheduler';
import * as schedules from './schedules';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('learningRateScheduler', () => {
  it('sets schedule(epoch, lr) at each epoch begin and logs it, in a real fit with Adam', async () => {
    const { x, y } = toyData();
    const model = tinyModel(tf.train.adam(0.1));
    const seen: number[] = [];
    const cb = learningRateScheduler((epoch, lr) => {
      seen.push(lr);
      return epoch < 2 ? lr : lr * 0.5;
    });
    const h = await model.fit(x, y, { epochs: 4, verbose: 0, callbacks: [cb] });
    // Like Keras, the schedule sees and the logs hold the float32 rate the optimizer applies.
    const f32 = (a: number[]) => a.map(Math.fround);
    expect(seen).toEqual(f32([0.1, 0.1, 0.1, 0.05]));
    expect(h.history.learning_rate).toEqual(f32([0.1, 0.1, 0.05, 0.025]));
    expect(getLearningRate(model.optimizer)).toBe(Math.fround(0.1) * 0.25);
    tf.dispose([x, y]);
  });

  it('accepts schedules, honours initialEpoch, prints with verbose', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { x, y } = toyData();
    const model = tinyModel(tf.train.sgd(1));
    const h = await model.fit(x, y, {
      epochs: 4,
      initialEpoch: 2,
      verbose: 0,
      callbacks: [learningRateScheduler(schedules.stepDecay(0.1, 0.5, 1), { verbose: 1 })],
    });
    expect(h.history.lr).toEqual([0.025, 0.0125].map(Math.fround));
    expect(log).toHaveBeenCalledWith('Epoch 3: LearningRateScheduler setting learning rate to 0.025.');
    log.mockRestore();
    tf.dispose([x, y]);
  });

  it('a schedule returning a non-number is an error naming the epoch; no batch hooks', async () => {
    const cb = learningRateScheduler((e) => (e === 1 ? Number.NaN : 0.1));
    cb.setModel(tinyModel());
    await cb.onEpochBegin(0);
    await expect(cb.onEpochBegin(1)).rejects.toThrow(/returned NaN at epoch 1/);
    expect(() => learningRateScheduler(0.1 as never)).toThrow(/must be a function/);
    expectNoBatchHooks(cb);
  });
});

describe('stepScheduler', () => {
  it('applies the schedule per optimizer step, no leaks', async () => {
    const { x, y } = toyData(16);
    const model = tinyModel(tf.train.adam(1));
    await model.fit(x, y, { epochs: 1, verbose: 0 }); // create Adam's slots outside the leak check
    const rates: number[] = [];
    const s = (step: number) => {
      rates.push(step);
      return 0.01 / (step + 1);
    };
    const h = await assertNoLeaks(
      () => model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [stepScheduler(s)] }),
      'fit with stepScheduler',
    );
    expect(rates).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(h.history.lr?.[1]).toBeCloseTo(0.01 / 9, 12);
    tf.dispose([x, y]);
  });
});
