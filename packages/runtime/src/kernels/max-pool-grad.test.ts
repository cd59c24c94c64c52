import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { expectSameOnWasm, rand } from './fixtures/test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

/** Values on a coarse grid so that windows hold ties, which must go to the first maximum as on cpu. */
function tied(shape: number[], seed: number): tf.Tensor {
  return tf.round(tf.mul(rand(shape, seed), 2));
}

const cases: {
  x: number[];
  pool: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}[] = [
  { x: [3, 8, 8, 4], pool: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 7, 3], pool: 2, strides: 2, pad: 'valid' },
  { x: [2, 9, 7, 3], pool: 2, strides: 2, pad: 'same' },
  { x: [2, 10, 11, 2], pool: 3, strides: 3, pad: 'same' },
  { x: [1, 9, 8, 2], pool: [3, 2], strides: [3, 2], pad: 'valid' },
  // 2×2 windows that tile the input (the select path): odd channels, 'same' without padding, one channel.
  { x: [3, 8, 6, 7], pool: 2, strides: 2, pad: 'same' },
  { x: [2, 6, 10, 1], pool: 2, strides: 2, pad: 'valid' },
  { x: [1, 2, 2, 3], pool: 2, strides: 2, pad: 'valid' },
];

describe('MaxPoolGrad on wasm', () => {
  for (const c of cases) {
    it(`x ${c.x} pool ${c.pool} strides ${c.strides} pad ${c.pad} matches cpu (with ties)`, async () => {
      await expectSameOnWasm(() =>
        tf.grad((x: tf.Tensor) => {
          const y = tf.maxPool(x as tf.Tensor4D, c.pool, c.strides, c.pad);
          return tf.sum(tf.mul(y, rand(y.shape, 9)));
        })(tied(c.x, 1)),
      );
      await expectSameOnWasm(() => {
        const x = tied(c.x, 2);
        const y = tf.maxPool(x as tf.Tensor4D, c.pool, c.strides, c.pad);
        return tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: rand(y.shape, 3), input: x, output: y },
            { filterSize: c.pool, strides: c.strides, pad: c.pad },
          ) as tf.Tensor;
      });
    });
  }

  it('2×2 tiles: NaN never wins, −∞-only windows get no gradient, like cpu', async () => {
    const v = [
      Number.NaN,
      1,
      1,
      0,
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
      2,
      Number.NaN,
      2,
      3,
      0,
      0,
      0,
      0,
    ];
    await expectSameOnWasm(() => {
      const x = tf.tensor4d(v, [1, 2, 8, 1]);
      const y = tf.maxPool(x, 2, 2, 'valid');
      return tf
        .engine()
        .runKernel(
          'MaxPoolGrad',
          { dy: rand(y.shape, 5), input: x, output: y },
          { filterSize: 2, strides: 2, pad: 'valid' },
        ) as tf.Tensor;
    });
  });

  it('overlapping windows (stock kernel) match cpu when there are no ties', async () => {
    await expectSameOnWasm(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'))))(
        rand([2, 9, 9, 3], 4),
      ),
    );
  });
});
