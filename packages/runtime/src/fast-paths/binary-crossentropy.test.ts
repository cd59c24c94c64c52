import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { relErr } from '../kernels/fixtures/test-utils';
import { fusedBinaryCrossentropy } from './binary-crossentropy';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

// Predictions across the range, with the edges: exactly 0.5 (log-odds 0), clipped 0 and 1, the clip bounds.
const PRED = [0.5, 0, 1, 1e-7, 1 - 1e-7, 0.01, 0.3, 0.7, 0.99, 0.5, 0.2, 0.8];
const TRUE = [1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0.25, 1];

describe.each(['cpu', 'wasm'])('the fused binaryCrossentropy kernel on %s', (backend) => {
  beforeAll(async () => {
    await initRuntime({ backend, verbose: false });
  });

  it.each([
    [[12, 1], 'one output'],
    [[4, 3], 'three outputs per sample'],
    [[12], 'rank 1'],
  ])('loss, accuracy and the gradient equal tfjs-layers for %j (%s)', (shape) => {
    const yTrue = tf.tensor(TRUE, shape);
    const yPred = tf.tensor(PRED, shape);
    const before = tf.memory().numTensors;
    const stockLoss = (p: tf.Tensor) => tf.mean(tfl.metrics.binaryCrossentropy(yTrue, p)) as tf.Scalar;
    const fusedLoss = (p: tf.Tensor) => tf.mean(fusedBinaryCrossentropy(yTrue, p)[0]) as tf.Scalar;
    const [sl, sa, sg] = tf.tidy(() => [
      tfl.metrics.binaryCrossentropy(yTrue, yPred),
      tfl.metrics.binaryAccuracy(yTrue, yPred),
      tf.grad(stockLoss)(yPred),
    ]);
    const [fl, fa, fg] = tf.tidy(() => [...fusedBinaryCrossentropy(yTrue, yPred), tf.grad(fusedLoss)(yPred)]);
    expect(fl?.shape).toEqual(sl?.shape);
    expect(relErr(fl?.dataSync() as Float32Array, sl?.dataSync() as Float32Array)).toBeLessThan(1e-6);
    expect(Array.from(fa?.dataSync() ?? [])).toEqual(Array.from(sa?.dataSync() ?? []));
    expect(relErr(fg?.dataSync() as Float32Array, sg?.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([sl, sa, sg, fl, fa, fg] as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([yTrue, yPred]);
  });
});
