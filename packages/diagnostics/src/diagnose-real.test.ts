import { initRuntime, trackTensors } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from './diagnose';

/** Two noisy concentric circles (radius 1 and 0.8, like scikit-learn's make_circles), seeded. */
function circles(n: number, noise: number, seed: number) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2;
    const a = 2 * Math.PI * rnd();
    const r = inner ? 0.8 : 1;
    xs.push(r * Math.cos(a) + noise * gauss(), r * Math.sin(a) + noise * gauss());
    ys.push(inner);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor2d(ys, [n, 1]) };
}

interface Run {
  epochs: number;
  optimizer: () => tf.Optimizer;
  l2?: number;
  batchSize?: number;
}

/** The lesson-5 model: 2 → 500 relu → 1 sigmoid, 30 training samples, 70 validation samples. */
async function lesson5(run: Run) {
  const train = circles(30, 0.1, 1);
  const test = circles(70, 0.1, 2);
  const reg = run.l2 ? tfl.regularizers.l2({ l2: run.l2 }) : undefined;
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 500, activation: 'relu', inputShape: [2], kernelRegularizer: reg }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelRegularizer: reg }),
    ],
  });
  const optimizer = run.optimizer();
  model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['acc'] });
  const history = await model.fit(train.x, train.y, {
    epochs: run.epochs,
    batchSize: run.batchSize ?? 32,
    validationData: [test.x, test.y],
    verbose: 0,
  });
  model.dispose();
  optimizer.dispose();
  tf.dispose([train.x, train.y, test.x, test.y]);
  return history;
}

describe('diagnose on real lesson-5 runs (wasm)', () => {
  beforeAll(async () => {
    await initRuntime({ backend: 'wasm', verbose: false, seed: 1 });
  });

  // The lesson trains 4000 epochs; its first 2000 are the same curve (nothing depends on the epoch count) and
  // already overfit: validation loss at its best by epoch ~40, 2.4x that at epoch 2000 (2.7x at 4000).
  it('2000 epochs of Adam without regularisation overfit', async () => {
    const r = await trackTensors(() => lesson5({ epochs: 2000, optimizer: () => tf.train.adam(0.001) }));
    expect(r.leaked).toBe(0);
    const d = diagnose(r.result);
    expect(d.verdict, d.reason).toBe('overfit');
    expect(d.evidence.bestEpoch).toBeLessThan(1000);
    expect(d.evidence.finalValidation).toBeGreaterThan(2 * (d.evidence.bestValue as number));
  });

  it('a well-regularised run (L2 0.01) is a good fit', async () => {
    const h = await lesson5({ epochs: 1000, optimizer: () => tf.train.adam(0.001), l2: 0.01 });
    const d = diagnose(h);
    expect(d.verdict, d.reason).toBe('good-fit');
    expect(Math.abs(d.evidence.gap as number)).toBeLessThan(0.1);
  });

  it('a 1-epoch run underfits', async () => {
    const d = diagnose(await lesson5({ epochs: 1, optimizer: () => tf.train.adam(0.001) }));
    expect(d.verdict).toBe('underfit');
    expect(d.evidence.epochs).toBe(1);
  });

  it('SGD with learning rate 1.0 is unstable', async () => {
    const h = await lesson5({ epochs: 200, optimizer: () => tf.train.sgd(1.0), batchSize: 4 });
    const d = diagnose(h);
    expect(d.verdict, `${d.reason} ${JSON.stringify(d.evidence)}`).toBe('unstable');
    expect(d.suggestions[0]).toMatch(/Lower the learning rate/);
  });
});
