import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmaxRegression } from './softmax-regression';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false, seed: 21 });
});

/** Three separable blobs in 5-d with large, shifted feature scales (to need standardisation). */
function blobs(n: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  let s = 42;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31 - 0.5;
  };
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    for (let j = 0; j < 5; j++) xs.push(1000 + 100 * (j === c ? 3 : 0) + 100 * rand());
    ys.push(c);
  }
  return { x: tf.tensor2d(xs, [n, 5]), labels: ys };
}

function accuracy(probs: tf.Tensor, labels: number[]): number {
  const pred = tf.argMax(probs, 1);
  const p = pred.dataSync();
  pred.dispose();
  return labels.filter((l, i) => p[i] === l).length / labels.length;
}

describe('softmaxRegression', () => {
  it('learns separable classes from raw, badly scaled features (scaling folded into the layer)', async () => {
    const baseline = tf.memory().numTensors;
    const { x, labels } = blobs(150);
    const { model, history, numClasses } = await softmaxRegression(x, labels, { epochs: 40 });
    expect(numClasses).toBe(3);
    expect(history.history.loss).toHaveLength(40);
    const probs = model.predict(x) as tf.Tensor;
    expect(accuracy(probs, labels)).toBeGreaterThan(0.95);
    expect(model.layers).toHaveLength(1);
    tf.dispose([x, probs]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('accepts one-hot and tensor labels and reports validation metrics', async () => {
    const { x, labels } = blobs(60);
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const a = await softmaxRegression(x, oneHot, { epochs: 5, validationSplit: 0.2 });
    expect(a.history.history.val_acc).toHaveLength(5);
    const idx = tf.tensor1d(labels, 'int32');
    const b = await softmaxRegression(x, idx, { epochs: 5, numClasses: 4, standardize: false, l2: 0 });
    expect(b.model.outputs[0]?.shape).toEqual([null, 4]);
    tf.dispose([x, oneHot, idx]);
    a.model.dispose();
    b.model.dispose();
  });

  it('rejects bad input with a fix', async () => {
    const { x, labels } = blobs(9);
    await expect(softmaxRegression(x, labels.slice(1))).rejects.toThrow(/8 labels for 9 feature rows/);
    await expect(softmaxRegression(x, labels, { numClasses: 2 })).rejects.toThrow(/label 2 is out of range/);
    await expect(softmaxRegression(x, labels, { epochs: 0 })).rejects.toThrow(/epochs must be/);
    await expect(softmaxRegression(x, [...labels.slice(1), -1])).rejects.toThrow(/>= 0/);
    x.dispose();
  });
});
