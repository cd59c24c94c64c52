import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../init-runtime';
import { backendBuffers, rand } from '../kernels/fixtures/test-utils';
import { checkEngineClone } from '../tfjs-internals';
import { applyEngineCloneFastPath, removeEngineCloneFastPath } from './engine-clone';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
  await initRuntime({ backend: 'wasm', verbose: false });
});
afterAll(() => applyEngineCloneFastPath());

/** Gradients of a chain of ops that save inputs and outputs for backprop (and a customGrad op). */
function grads(): { values: Float32Array[] } {
  const a = rand([6, 5], 1);
  const b = rand([5, 4], 2);
  const bias = rand([4], 3);
  const f = (x: tf.Tensor, w: tf.Tensor) =>
    tf.tidy(() => {
      const h = tf.sigmoid(
        tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' }),
      );
      return tf.sum(tf.mul(tf.exp(h), tf.div(h, tf.add(tf.sum(tf.abs(x)), 1))));
    });
  const out = tf.grads(f)([a, b]);
  const values = out.map((g) => g.dataSync() as Float32Array);
  tf.dispose([...out, a, b, bias]);
  return { values };
}

describe.each(['cpu', 'wasm'])('the kernel-free engine clone on %s', (backend) => {
  it('gives bit-identical gradients, runs no Identity kernel, and frees every tensor and buffer', async () => {
    await initRuntime({ backend, verbose: false });
    removeEngineCloneFastPath();
    const stock = grads();
    const stockKernels = (await tf.profile(() => void grads())).kernels.map((k) => k.name);
    applyEngineCloneFastPath();
    const before = { tensors: tf.memory().numTensors, buffers: backendBuffers() };
    const fast = grads();
    expect({ tensors: tf.memory().numTensors, buffers: backendBuffers() }).toEqual(before);
    const fastKernels = (await tf.profile(() => void grads())).kernels.map((k) => k.name);
    expect(stockKernels).toContain('Identity');
    expect(fastKernels).not.toContain('Identity');
    for (let i = 0; i < stock.values.length; i++)
      expect(Array.from(fast.values[i] as Float32Array)).toEqual(Array.from(stock.values[i] as Float32Array));
  });
});

it('the start-up check names the tfjs-core version when the engine changed', () => {
  expect(() => checkEngineClone()).not.toThrow();
  expect(() => checkEngineClone({ clone() {}, makeTensorFromTensorInfo() {} }, '4.99.0')).toThrow(
    /addTapeNode\(\).*tfjs-core 4\.99\.0/,
  );
});
