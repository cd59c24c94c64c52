import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Data buffers held by the active backend (catches intermediates a kernel forgot to free). */
export function backendBuffers(): number {
  return tf.engine().backend.numDataIds();
}

/** A deterministic pseudo-random tensor (same values on every backend). */
export function rand(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = s / 2 ** 31 - 1;
  }
  return tf.tensor(v, shape);
}

/** max |a − b| / max |b|: the relative error of `got` against the reference `want`. */
export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs((got[i] as number) - (want[i] as number)));
    scale = Math.max(scale, Math.abs(want[i] as number));
  }
  return diff / (scale || 1);
}

/**
 * Runs `fn` on wasm and `reference` (default `fn`) on cpu, and expects the same shapes, values within
 * `tol` relative, and no tensor or wasm buffer left behind by the wasm run.
 */
export async function expectSameOnWasm(
  fn: () => tf.Tensor | tf.Tensor[],
  tol = 1e-5,
  reference: () => tf.Tensor | tf.Tensor[] = fn,
): Promise<void> {
  await tf.setBackend('cpu');
  const want = tf.tidy(reference);
  const wantList = Array.isArray(want) ? want : [want];
  const wantVals = wantList.map((t) => t.dataSync().slice());
  const wantShapes = wantList.map((t) => t.shape);
  tf.dispose(want);
  await tf.setBackend('wasm');
  const tensors = tf.memory().numTensors;
  const buffers = backendBuffers();
  const got = tf.tidy(fn);
  const gotList = Array.isArray(got) ? got : [got];
  const gotVals = gotList.map((t) => t.dataSync().slice());
  const gotShapes = gotList.map((t) => t.shape);
  tf.dispose(got);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backendBuffers()).toBe(buffers);
  expect(gotShapes).toEqual(wantShapes);
  for (let i = 0; i < wantVals.length; i++) {
    expect(gotVals[i]?.length).toBe(wantVals[i]?.length);
    expect(relErr(gotVals[i] as ArrayLike<number>, wantVals[i] as ArrayLike<number>)).toBeLessThan(tol);
  }
}
