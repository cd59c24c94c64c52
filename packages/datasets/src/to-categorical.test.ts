import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { toCategorical } from './to-categorical';

describe('toCategorical', () => {
  it('one-hot encodes like Keras, with numClasses inferred or given', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const a = toCategorical([0, 2, 1]);
    expect(a.shape).toEqual([3, 3]);
    expect(a.arraySync()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    const b = toCategorical([1], 4);
    expect(b.arraySync()).toEqual([[0, 1, 0, 0]]);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('names the first bad label', () => {
    expect(() => toCategorical([0, 1, -1])).toThrow(/index 2 is -1/);
    expect(() => toCategorical([0, 1.5])).toThrow(/index 1 is 1.5/);
    expect(() => toCategorical([0, 3], 3)).toThrow(/index 1 is 3, not below numClasses=3/);
  });
});

describe('toCategorical shapes (Keras to_categorical)', () => {
  it('appends the class axis to N-D labels and drops a trailing axis of size 1', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const a = toCategorical([
      [0, 1, 2],
      [2, 1, 0],
    ]);
    expect(a.shape).toEqual([2, 3, 3]);
    expect((a.arraySync() as number[][][])[1]?.[0]).toEqual([0, 0, 1]);
    const b = toCategorical([[1], [0]], 3);
    expect(b.shape).toEqual([2, 3]);
    const t = tf.tensor3d([0, 1, 1, 0], [2, 2, 1], 'int32');
    const c = toCategorical(t);
    expect(c.shape).toEqual([2, 2, 2]);
    const t2 = tf.tensor2d([[1], [0]]);
    const d = toCategorical(t2, 2);
    expect(d.arraySync()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const e = toCategorical([[1]]);
    expect(e.shape).toEqual([1, 2]);
    tf.dispose([a, b, c, d, e, t, t2]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => toCategorical([[0, 1], [2]] as number[][])).toThrow(
      /rectangular array of shape \[2, 2\]; labels\[1\]/,
    );
  });
});
