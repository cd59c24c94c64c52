import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { callStock, withOps } from './wasm-ops';

/** Below this many elements the stock kernel's fixed cost is lower. */
const MIN_SIZE = 16384;

/**
 * `Sum` over leading axes (the bias gradients of Dense and Conv2D layers: `[batch, h, w, c]` summed to
 * `[c]`) as one XNNPACK product `ones [1, rows] × x [rows, cols]`; stock wasm first transposes the
 * reduced axes innermost, which costs far more than the sum. Other reductions go to the stock kernel.
 */
export const sum: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const x = inputs.x as TensorInfo;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  const k = axes.length;
  const leading = k > 0 && k < rank && axes.every((a, i) => a === i);
  const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const cols = x.shape.slice(k).reduce((a, b) => a * b, 1);
  if (x.dtype !== 'float32' || !leading || rows < 2 || rows * cols < MIN_SIZE) return callStock('Sum', args);
  return withOps(backend, (ops) => {
    const ones = ops.output([1, rows], 'float32');
    ops.backend.typedArrayFromHeap(ones).fill(1);
    const s = ops.matMul2d(ones, ops.reshape(x, [rows, cols]));
    const shape = keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k);
    return ops.reshape(s, shape);
  });
};
