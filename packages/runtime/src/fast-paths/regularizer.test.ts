import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { rand, relErr } from '../kernels/fixtures/test-utils';
import { checkL1L2Regularizer } from '../tfjs-internals';
import { applyRegularizerFastPath, removeRegularizerFastPath } from './regularizer';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});
afterAll(() => applyRegularizerFastPath(tfl));

const REGULARIZERS = {
  l1: () => tfl.regularizers.l1({ l1: 0.03 }),
  l2: () => tfl.regularizers.l2({ l2: 0.01 }),
  l1l2: () => tfl.regularizers.l1l2({ l1: 0.002, l2: 0.3 }),
};

/** The penalty and its gradient for a tensor with zeros in it (|x|' is -1 at 0 in tfjs). */
function penalty(make: () => { apply(x: tf.Tensor): tf.Tensor }): Float32Array[] {
  const r = make();
  const x = tf.tidy(() => tf.concat([rand([40], 5), tf.zeros([3])]));
  const value = r.apply(x);
  const g = tf.grad((v: tf.Tensor) => r.apply(v))(x);
  const out = [value.dataSync() as Float32Array, g.dataSync() as Float32Array];
  tf.dispose([x, value, g]);
  return out;
}

describe.each(['cpu', 'wasm'])('the fused L1/L2 penalty on %s', (backend) => {
  it.each(Object.keys(REGULARIZERS))(
    '%s: value and gradient equal tfjs-layers, nothing leaks',
    async (name) => {
      await initRuntime({ backend, verbose: false });
      const make = REGULARIZERS[name as keyof typeof REGULARIZERS];
      removeRegularizerFastPath();
      const stock = penalty(make);
      applyRegularizerFastPath(tfl);
      const before = tf.memory().numTensors;
      const fast = penalty(make);
      expect(tf.memory().numTensors).toBe(before);
      expect(relErr(fast[0] as Float32Array, stock[0] as Float32Array)).toBeLessThan(1e-6);
      expect(relErr(fast[1] as Float32Array, stock[1] as Float32Array)).toBeLessThan(1e-6);
      const names = (await tf.profile(() => void penalty(make))).kernels.map((k) => k.name);
      expect(names).toContain('BetterdlL1L2');
    },
  );
});

it('the start-up check names the tfjs-layers version when L1L2 changed', () => {
  expect(() => checkL1L2Regularizer(tfl.regularizers.l2(), tfl.version_layers)).not.toThrow();
  expect(() => checkL1L2Regularizer({ l1: 1 }, '4.99.0')).toThrow(/L1L2 regularizer.*tfjs-layers 4\.99\.0/);
});
