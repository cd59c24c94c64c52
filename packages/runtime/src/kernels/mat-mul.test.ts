import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { expectSameOnWasm, rand } from './fixtures/test-utils';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});

/** `[..., r, c]` stored transposed when `t` (so that the product asks for a transpose). */
function operand(batch: number[], r: number, c: number, t: boolean, seed: number): tf.Tensor {
  return rand([...batch, ...(t ? [c, r] : [r, c])], seed);
}

const cases: { a: number[]; b: number[]; m: number; k: number; n: number }[] = [
  { a: [], b: [], m: 7, k: 13, n: 5 }, // too small to gain: stock kernel
  { a: [], b: [], m: 33, k: 65, n: 17 },
  { a: [3], b: [3], m: 20, k: 30, n: 25 }, // batched, large enough for the per-batch XNNPACK loop
  { a: [3], b: [3], m: 5, k: 7, n: 4 }, // batched, small: stock batched kernel after explicit transposes
  { a: [4], b: [1], m: 9, k: 31, n: 40 }, // shared b: one tall product
  { a: [1], b: [3], m: 16, k: 24, n: 40 }, // shared a
  { a: [2, 3], b: [2, 3], m: 17, k: 19, n: 23 },
];

describe('BatchMatMul on wasm', () => {
  for (const c of cases) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`a ${c.a} b ${c.b} ${c.m}x${c.k}x${c.n} transposeA ${ta} transposeB ${tb} matches cpu`, async () => {
        await expectSameOnWasm(() =>
          tf.matMul(operand(c.a, c.m, c.k, ta, 1), operand(c.b, c.k, c.n, tb, 2), ta, tb),
        );
      });
    }
  }

  it('gradients of a batched matMul match cpu', async () => {
    await expectSameOnWasm(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b, false, true))))([
        rand([2, 41, 33], 1),
        rand([2, 17, 33], 2),
      ]),
    );
  });
});

describe('_FusedMatMul on wasm', () => {
  const acts = [
    { activation: 'linear' },
    { activation: 'relu' },
    { activation: 'elu' },
    { activation: 'leakyrelu', leakyreluAlpha: 0.3 },
    { activation: 'prelu' },
  ] as const;
  for (const act of acts) {
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${act.activation} with bias, transposeA ${ta} transposeB ${tb} matches cpu`, async () => {
        await expectSameOnWasm(() =>
          tf.fused.matMul({
            a: operand([], 40, 37, ta, 1) as tf.Tensor2D,
            b: operand([], 37, 30, tb, 2) as tf.Tensor2D,
            transposeA: ta,
            transposeB: tb,
            bias: rand([30], 3),
            activation: act.activation,
            leakyreluAlpha: 'leakyreluAlpha' in act ? act.leakyreluAlpha : undefined,
            preluActivationWeights: act.activation === 'prelu' ? rand([30], 4) : undefined,
          }),
        );
      });
    }
  }

  it('gradients through a fused Dense-style product (bias + relu) match cpu', async () => {
    await expectSameOnWasm(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }),
          ),
        ),
      )([rand([32, 50], 1), rand([50, 40], 2), rand([40], 3)]),
    );
  });
});
