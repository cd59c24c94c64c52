import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { topKAccuracy } from './top-k-accuracy';

describe('topKAccuracy', () => {
  it('computes rank-1 and rank-2 accuracy from indices or one-hot labels without leaks', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const pred = tf.tensor2d([
      [0.1, 0.7, 0.2],
      [0.5, 0.3, 0.2],
      [0.2, 0.3, 0.5],
    ]);
    const idx = tf.tensor1d([2, 0, 1], 'int32');
    expect(topKAccuracy(idx, pred, 1)).toBeCloseTo(1 / 3);
    expect(topKAccuracy(idx, pred, 2)).toBeCloseTo(1);
    const onehot = tf.oneHot(idx, 3);
    expect(topKAccuracy(onehot, pred, 1)).toBeCloseTo(1 / 3);
    // [n, 1] float indices, as makeBlobs and friends return them: indices, not a one-column one-hot
    const column = tf.tensor2d([[2], [0], [1]]);
    expect(topKAccuracy(column, pred, 1)).toBeCloseTo(1 / 3);
    expect(topKAccuracy(column, pred, 2)).toBeCloseTo(1);
    tf.dispose([pred, idx, onehot, column]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('rejects mismatched inputs', () => {
    const pred = tf.zeros([2, 3]);
    expect(() => topKAccuracy(tf.zeros([3]), pred, 1)).toThrow(/yTrue has 3 samples but yPred has 2/);
    expect(() => topKAccuracy(tf.zeros([2]), pred, 4)).toThrow(/k must be an integer in \[1, 3\]/);
    expect(() => topKAccuracy(tf.zeros([2, 2]), pred, 1)).toThrow(
      /one-hot rows \[samples, 3\], got shape \[2,2\]/,
    );
  });

  it('rejects class indices out of range or fractional, naming the first bad one, without leaks', () => {
    const pred = tf.zeros([3, 3]);
    const before = tf.memory().numTensors;
    expect(() => topKAccuracy(tf.tensor1d([0, 3, 1]), pred, 1)).toThrow(
      /yTrue\[1\] is 3, not a class index in \[0, 2\]/,
    );
    expect(() => topKAccuracy(tf.tensor2d([[0], [1], [-1]]), pred, 1)).toThrow(/yTrue\[2\] is -1/);
    expect(() => topKAccuracy(tf.tensor1d([0, 1.5, 1]), pred, 1)).toThrow(/yTrue\[1\] is 1.5/);
    expect(tf.memory().numTensors - before).toBe(3); // only the three label tensors made above
  });

  it("breaks exact ties like scikit-learn's top_k_accuracy_score, or counts them all with ties: 'keras'", () => {
    const pred = tf.tensor2d([
      [0.25, 0.25, 0.25, 0.25],
      [0.25, 0.25, 0.25, 0.25],
      [0.1, 0.4, 0.4, 0.1],
      [0.1, 0.4, 0.4, 0.1],
    ]);
    const y = tf.tensor1d([1, 3, 1, 2], 'int32');
    // sklearn ranks tied scores higher class index first: row 0 → 3, 2, 1, 0; row 2 → 2, 1, 3, 0
    expect(topKAccuracy(y, pred, 1)).toBe(2 / 4);
    expect(topKAccuracy(y, pred, 2)).toBe(3 / 4);
    expect(topKAccuracy(y, pred, 3)).toBe(1);
    expect(topKAccuracy(y, pred, 1, { ties: 'keras' })).toBe(1);
    expect(() => topKAccuracy(y, pred, 1, { ties: 'numpy' as 'keras' })).toThrow(
      /ties must be 'sklearn' or 'keras'/,
    );
    tf.dispose([pred, y]);
  });
});
