import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { relErr } from '../kernels/fixtures/test-utils';
import { setSeed } from '../seed';
import { lastFitPath } from './fit';

afterAll(() => setSeed(null));

interface Case {
  loss: string;
  activation: 'softmax' | 'linear' | 'sigmoid';
  units: number;
  metrics: string[];
}

/** A seeded fit of 4 → Dense(16, relu) → Dense(units, activation) on 50 samples: history, weights, path. */
async function fit(backend: string, fastPaths: boolean, c: Case) {
  await initRuntime({ backend, fastPaths, verbose: false, seed: 3 });
  const x = tf.randomUniform([50, 4], -1, 1);
  const y = tf.tidy(() => {
    if (c.units === 1) return tf.sum(x, 1, true);
    return tf.cast(tf.oneHot(tf.argMax(tf.matMul(x, tf.randomNormal([4, c.units])), 1), c.units), 'float32');
  });
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 16, activation: 'relu' }),
      tfl.layers.dense({ units: c.units, activation: c.activation }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: c.loss, metrics: c.metrics });
  const before = tf.memory().numTensors;
  const h = await model.fit(x, y, { epochs: 8, batchSize: 16, validationSplit: 0.2, verbose: 0 });
  const out = {
    history: h.history as Record<string, number[]>,
    path: lastFitPath(model),
    weights: model.getWeights().map((w) => [...w.dataSync()]),
    // the optimizer's slots (2 per weight) are made by the first fit: state, not leaks
    leaked: tf.memory().numTensors - before - 2 * model.getWeights().length,
  };
  model.dispose();
  tf.dispose([x, y]);
  return out;
}

function expectSame(got: Awaited<ReturnType<typeof fit>>, want: Awaited<ReturnType<typeof fit>>) {
  expect(got.path).toBe('dense-stack');
  expect(Object.keys(got.history)).toEqual(Object.keys(want.history));
  for (const [k, v] of Object.entries(want.history))
    expect(relErr(got.history[k] as number[], v), k).toBeLessThan(1e-5);
  got.weights.forEach((w, i) => {
    expect(relErr(w, want.weights[i] as number[]), `weight ${i}`).toBeLessThan(1e-5);
  });
  expect(got.leaked).toBe(0);
}

describe.each(['cpu', 'wasm'])('the small-model trainer on %s, other losses', (backend) => {
  it.each<Case>([
    { loss: 'categoricalCrossentropy', activation: 'softmax', units: 3, metrics: ['accuracy'] },
    { loss: 'meanSquaredError', activation: 'softmax', units: 3, metrics: ['mae'] },
    { loss: 'binaryCrossentropy', activation: 'sigmoid', units: 3, metrics: ['accuracy', 'mse'] },
  ])('$loss with $activation output: stock history and weights within 1e-5', async (c) => {
    const stock = await fit(backend, false, c);
    expectSame(await fit(backend, true, c), stock);
  });
});

describe('meanAbsoluteError', () => {
  // |d|' jumps at 0, so a sample whose error is near 0 turns float32 rounding into a different gradient
  // sign: stock tfjs on wasm (XNNPACK's rounding) and on cpu differ by 2e-3 on this fit. The trainer
  // rounds as tfjs's cpu kernels do, on both backends, and is held to stock cpu.
  it("trains on cpu and wasm to stock cpu's numbers", async () => {
    const c: Case = { loss: 'meanAbsoluteError', activation: 'linear', units: 1, metrics: ['mse'] };
    const stock = await fit('cpu', false, c);
    expectSame(await fit('cpu', true, c), stock);
    expectSame(await fit('wasm', true, c), stock);
  });
});
