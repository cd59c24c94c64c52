import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { isBetterDLError } from '../errors';
import { initRuntime } from '../init-runtime';
import { rand } from './fixtures/test-utils';
import { listWasmKernelFixes } from './kernel-fixes';

const FIXED = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'MaxPoolGrad',
  'GatherV2',
  'UnsortedSegmentSum',
];

afterAll(async () => {
  await initRuntime({ backend: 'wasm', verbose: false });
});

describe('wasm kernel fixes in initRuntime', () => {
  it('are applied by default and reported in RuntimeInfo and the summary', async () => {
    const info = await initRuntime({ backend: 'wasm', verbose: false });
    expect(info.kernelFixes?.sort()).toEqual([...FIXED].sort());
    expect(info.summary).toContain(`${FIXED.length} kernel fixes`);
    expect(listWasmKernelFixes().map((f) => f.kernel)).toEqual(FIXED);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('kernelFixes: false restores the stock kernels, and turning them on again works', async () => {
    const fixedMatMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    const info = await initRuntime({ backend: 'wasm', kernelFixes: false, verbose: false });
    expect(info.kernelFixes).toEqual([]);
    expect(info.summary).toMatch(/stock kernels/);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(fixedMatMul);
    // The stock kernels are really back: a conv filter gradient cannot run on stock wasm.
    expect(() =>
      tf.tidy(() =>
        tf.grad((w: tf.Tensor) =>
          tf.sum(tf.conv2d(rand([1, 4, 4, 1], 1) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')),
        )(rand([2, 2, 1, 1], 2)),
      ),
    ).toThrow(/Conv2DBackpropFilter/);
    const again = await initRuntime({ backend: 'wasm', verbose: false });
    expect(again.kernelFixes).toHaveLength(FIXED.length);
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(fixedMatMul);
  });

  it('does not touch other backends', async () => {
    const info = await initRuntime({ backend: 'cpu', verbose: false });
    expect(info.kernelFixes).toBeUndefined();
    expect(tf.getKernel('BatchMatMul', 'cpu')?.kernelFunc).not.toBe(
      tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc,
    );
  });

  it('rejects a non-boolean kernelFixes with a fix', async () => {
    const err = await initRuntime({ backend: 'wasm', kernelFixes: 'yes' as never, verbose: false }).catch(
      (e) => e,
    );
    expect(isBetterDLError(err)).toBe(true);
    expect(err.message).toMatch(/kernelFixes must be true or false/);
  });
});
