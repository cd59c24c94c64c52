import { initRuntime, isBetterDLError, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyModel, toyData, weightValues } from './fixtures/helpers';
import { getLearningRate } from './learning-rate';
import { lrFinder } from './lr-finder';
import { captureOptimizerState } from './optimizer-state';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('lrFinder', () => {
  it('returns the (lr, loss) curve and a suggestion, and leaves weights and optimizer exactly as they were', async () => {
    const { x, y } = toyData(32);
    const model = tinyModel(tf.train.adam(0.003));
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 }); // give Adam real state to preserve
    const w0 = weightValues(model);
    const o0 = await captureOptimizerState(model.optimizer);
    const r = await trackTensors(() =>
      lrFinder(model, x, y, { minLr: 1e-5, maxLr: 100, steps: 40, batchSize: 8 }),
    );
    expect(r.leaked).toBe(0);
    const res = r.result;
    expect(res.learningRates[0]).toBeCloseTo(1e-5, 12);
    expect(res.learningRates.length).toBe(res.losses.length);
    for (let i = 1; i < res.learningRates.length; i++) {
      expect(res.learningRates[i] as number).toBeGreaterThan(res.learningRates[i - 1] as number);
    }
    expect(res.suggestedLr).toBeGreaterThanOrEqual(1e-5);
    expect(res.suggestedLr).toBeLessThanOrEqual(res.minLossLr);
    expect(weightValues(model)).toEqual(w0);
    const o1 = await captureOptimizerState(model.optimizer);
    expect(o1).toEqual(o0);
    expect(getLearningRate(model.optimizer)).toBe(0.003);
    tf.dispose([x, y]);
  });

  it('stops once the loss explodes and validates its options', async () => {
    const { x, y } = toyData(16);
    // A linear model with squared error: its loss has no upper bound, so a rising rate must make it explode
    // (a ReLU/sigmoid net can instead die on a plateau, which is not an explosion, whatever the seed).
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const res = await lrFinder(model, x, y, { minLr: 1e-3, maxLr: 1e6, steps: 60, batchSize: 16 });
    expect(res.learningRates.length).toBeLessThan(60);
    // it stopped within a few steps of the loss passing 4x its best (smoothed), not at the end of the range
    expect(res.learningRates.at(-1) as number).toBeLessThan(1e4);
    let err: unknown;
    try {
      await lrFinder(model, x, y, { minLr: 1, maxLr: 0.1 });
    } catch (e) {
      err = e;
    }
    expect(isBetterDLError(err)).toBe(true);
    tf.dispose([x, y]);
  });
});
