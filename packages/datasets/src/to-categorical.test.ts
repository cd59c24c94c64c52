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
