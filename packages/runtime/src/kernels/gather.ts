import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BetterDLError } from '../errors';
import { callStock, withOps } from './wasm-ops';

/** Below this many elements per gathered slice, the stock per-element kernel is as fast. */
const MIN_SLICE = 16;

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * `GatherV2` that copies whole contiguous slices (`fit` gathers every batch's rows this way); stock wasm
 * computes strides per element, about 15 ns each. Other cases (batched gathers, strings, slices shorter
 * than 16 elements) go to the stock kernel.
 */
export const gatherV2: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const indices = inputs.indices as TensorInfo;
  const { axis, batchDims } = attrs as { axis: number; batchDims?: number };
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const slice = size(x.shape.slice(ax + 1));
  if ((batchDims ?? 0) !== 0 || x.dtype === 'string' || slice < MIN_SLICE || size(x.shape) === 0) {
    return callStock('GatherV2', args);
  }
  return withOps(backend, (ops) => {
    const idx = ops.backend.readSync(indices.dataId);
    const dim = x.shape[ax] as number;
    const outer = size(x.shape.slice(0, ax));
    const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
    const out = ops.output(outShape, x.dtype);
    const src = ops.backend.typedArrayFromHeap(x);
    const dst = ops.backend.typedArrayFromHeap(out);
    const n = idx.length;
    for (let i = 0; i < n; i++) {
      const k = idx[i] as number;
      if (!(k >= 0 && k < dim)) {
        throw new BetterDLError(
          'INVALID_ARGUMENT',
          `GatherV2: the index value ${k} is not in [0, ${dim - 1}]`,
        );
      }
    }
    for (let o = 0; o < outer; o++) {
      const from = o * dim * slice;
      const to = o * n * slice;
      for (let i = 0; i < n; i++) {
        const start = from + (idx[i] as number) * slice;
        dst.set(src.subarray(start, start + slice), to + i * slice);
      }
    }
    return out;
  });
};
