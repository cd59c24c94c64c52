import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { expectSameOnWasm, rand } from './test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

const cases: { x: number[]; axis: number | number[]; keepDims: boolean }[] = [
  { x: [9, 41, 47, 5], axis: [0, 1, 2], keepDims: false },
  { x: [7, 33, 29, 16], axis: [2, 0, 1], keepDims: true },
  { x: [3, 61, 17, 13], axis: [-4, -3], keepDims: false },
  { x: [2001, 10], axis: 0, keepDims: false },
  { x: [4, 1023, 7], axis: [0, 1], keepDims: true },
  // Not leading axes, or everything, or small: the stock kernel.
  { x: [9, 41, 47, 5], axis: [1, 2], keepDims: false },
  { x: [9, 11, 7, 5], axis: [0, 1, 2, 3], keepDims: false },
  { x: [5, 6, 7], axis: 0, keepDims: false },
];

describe('Sum on wasm', () => {
  for (const c of cases) {
    it(`x ${c.x} axis ${c.axis} keepDims ${c.keepDims} matches cpu`, async () => {
      await expectSameOnWasm(() => tf.sum(rand(c.x, 11), c.axis, c.keepDims));
    });
  }

  it('int32 sums go to the stock kernel and stay exact', async () => {
    await expectSameOnWasm(() => tf.sum(tf.cast(tf.mul(rand([40, 30, 20], 12), 100), 'int32'), [0, 1]));
  });

  it('is used by bias gradients: conv2d + bias through tf.grads matches cpu', async () => {
    await expectSameOnWasm(() => {
      const f = (x: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.square(tf.add(tf.conv2d(x as tf.Tensor4D, rand([3, 3, 3, 8], 13) as tf.Tensor4D, 1, 'same'), b)),
        );
      return tf.grads(f)([rand([6, 27, 25, 3], 14), rand([8], 15)]);
    });
  });

  it('leaves no tensors behind', () => {
    const x = rand([64, 32, 16], 16);
    const before = tf.memory().numTensors;
    tf.dispose(tf.sum(x, [0, 1]));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
