import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { registerChainedOps } from './chained-ops';
import { initRuntime } from './init-runtime';

const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;

function lstm(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(tfl.layers.lstm({ units: 4, inputShape: [3, 2] }));
  return m;
}

describe('registerChainedOps', () => {
  it('with tfjs-core + tfjs-layers only, an LSTM (orthogonal recurrent initializer) fails until registered', async () => {
    await tf.setBackend('cpu');
    // This process imported tfjs-core, not @tensorflow/tfjs, so the chained methods are missing.
    expect(proto.flatten).toBeUndefined();
    expect(() => lstm()).toThrow(/flatten is not a function/);
    const added = registerChainedOps();
    expect(added).toEqual(
      expect.arrayContaining(['flatten', 'stridedSlice', 'add', 'where', 'resizeBilinear']),
    );
    expect(registerChainedOps()).toEqual([]);
    const before = tf.memory().numTensors;
    const model = lstm();
    const x = tf.ones([2, 3, 2]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 4]);
    // The recurrent kernel [4, 16] is orthogonal: its rows are orthonormal, K·Kᵀ = I.
    const k = model.layers[0]?.getWeights()[1] as tf.Tensor2D;
    const eye = tf.matMul(k, k, false, true);
    expect(Array.from(eye.dataSync()).map((v) => Math.round(v * 1e4) / 1e4 + 0)).toEqual([
      1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1,
    ]);
    tf.dispose([x, y, eye]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('chained methods behave like the ops (and a disposed tensor still throws)', () => {
    registerChainedOps();
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const m = t as unknown as Record<string, (...a: unknown[]) => tf.Tensor>;
    expect(Array.from(m.flatten?.call(t).dataSync() ?? [])).toEqual([1, 2, 3, 4]);
    expect(m.concat?.call(t, t, 0).shape).toEqual([4, 2]);
    expect(m.stack?.call(t, [t], 0).shape).toEqual([2, 2, 2]);
    expect(
      Array.from(
        m.where
          ?.call(
            t,
            tf.tensor2d(
              [
                [true, false],
                [false, true],
              ],
              undefined,
              'bool',
            ),
            tf.zerosLike(t),
          )
          .dataSync() ?? [],
      ),
    ).toEqual([1, 0, 0, 4]);
    expect(m.toInt?.call(t).dtype).toBe('int32');
    t.dispose();
    expect(() => m.flatten?.call(t)).toThrow(/disposed/);
  });

  it('initRuntime registers them', async () => {
    delete proto.flatten;
    await initRuntime({ backend: 'cpu', verbose: false });
    expect(typeof proto.flatten).toBe('function');
  });
});
