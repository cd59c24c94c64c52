import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { broadcast_util } from '@tensorflow/tfjs-core';
import { callStock, type WasmOps, withOps } from './wasm-ops';

/** Below this many multiply-adds per matrix, one stock batched call beats a loop of XNNPACK calls. */
const MIN_MACS_PER_BATCH = 4096;
/** Below this many multiply-adds in all, the stock kernel is as fast as a transpose + XNNPACK call. */
const MIN_MACS = 32768;

/** Multiply-adds of a (possibly transposed, batched) product; 0 when the shapes do not fit. */
function macs(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): number {
  const ra = a.shape.length;
  const m = a.shape[transposeA ? ra - 1 : ra - 2] as number;
  const k = a.shape[transposeA ? ra - 2 : ra - 1] as number;
  const n = b.shape[transposeB ? b.shape.length - 2 : b.shape.length - 1] as number;
  return Math.max(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2))) * m * n * k;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `x [..., r, c]` as `[batch, c, r]` (an explicit wasm Transpose) or, untransposed, as `[batch, r, c]`. */
function as3d(ops: WasmOps, x: TensorInfo, transposed: boolean): TensorInfo {
  const s = x.shape;
  const r = s[s.length - 2] as number;
  const c = s[s.length - 1] as number;
  const x3 = ops.reshape(x, [size(s.slice(0, -2)), r, c]);
  return transposed ? ops.transpose(x3, [0, 2, 1]) : x3;
}

/**
 * `BatchMatMul` that always reaches XNNPACK: stock wasm only uses it for one untransposed 2-D product and
 * falls back to a scalar loop (10-20× slower) for `transposeA`, `transposeB` and batches. Transposes are
 * done explicitly by the wasm Transpose kernel; batches become one tall product when `b` is shared, else a
 * loop of 2-D products.
 */
export const batchMatMul: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (macs(a, b, transposeA, transposeB) < MIN_MACS) return callStock('BatchMatMul', args);
  return withOps(backend, (ops) => {
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    const sameBatch =
      a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameBatch || batchA === 1 || batchB === 1)) {
      return ops.run('BatchMatMul', { a, b }, attrs as NamedAttrMap);
    }
    const a3 = as3d(ops, a, transposeA);
    const b3 = as3d(ops, b, transposeB);
    const [, m, k] = a3.shape as [number, number, number];
    const n = b3.shape[2] as number;
    const batch = Math.max(batchA, batchB);
    const outBatchDims = broadcast_util.assertAndGetBroadcastShape(
      a.shape.slice(0, -2),
      b.shape.slice(0, -2),
    );
    let out: TensorInfo;
    if (m * n * k === 0 || (batch > 1 && m * n * k < MIN_MACS_PER_BATCH)) {
      out = ops.run('BatchMatMul', { a: a3, b: b3 }, { transposeA: false, transposeB: false });
    } else if (batchB === 1) {
      // One tall product: the rows of every batch of `a` against the shared `b`.
      out = ops.matMul2d(ops.reshape(a3, [batchA * m, k]), ops.reshape(b3, [k, n]));
    } else {
      const parts: TensorInfo[] = [];
      for (let i = 0; i < batch; i++) {
        const ai = batchA === 1 ? ops.reshape(a3, [m, k]) : ops.item(a3, i);
        const bi = batchB === 1 ? ops.reshape(b3, [k, n]) : ops.item(b3, i);
        parts.push(ops.matMul2d(ai, bi));
      }
      out = ops.concat0(parts);
    }
    return ops.reshape(out, [...outBatchDims, m, n]);
  });
};

/**
 * `_FusedMatMul` (Dense layers' forward pass) with transposes done explicitly, so the fused bias and
 * activation run in XNNPACK's fast path. Bias, activation, PReLU weights and leaky-ReLU alpha pass through
 * unchanged to the stock kernel.
 */
export const fusedMatMul: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if ((!transposeA && !transposeB) || macs(a, b, transposeA, transposeB) < MIN_MACS) {
    return callStock('_FusedMatMul', args);
  }
  return withOps(backend, (ops) => {
    const fixed: typeof inputs = { ...inputs };
    fixed.a = transposeA ? ops.transpose(a, [0, 2, 1]) : a;
    fixed.b = transposeB ? ops.transpose(b, [0, 2, 1]) : b;
    return ops.run('_FusedMatMul', fixed, {
      ...(attrs as NamedAttrMap),
      transposeA: false,
      transposeB: false,
    });
  });
};
