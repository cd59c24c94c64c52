import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmOps } from './wasm-ops';

/**
 * The same `[fh · fw · channels, batch · outHeight · outWidth]` patch rows as `patchRows`, for stride 1 and
 * dilation 1, built with one contiguous heap copy per (tap, channel, image, output row) instead of a Pad,
 * a strided Slice per tap and a Concat (which cost about three times as much for the CNN's first layer).
 * Meant for few channels: the copies are `outWidth` elements long.
 */
export function patchRowsByCopies(ops: WasmOps, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow, padInfo } = info;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
  const p = n * oh * ow;
  const xc = c === 1 ? x : ops.transpose(x, [3, 0, 1, 2]);
  const rows = ops.output([fh * fw * c, p], 'float32');
  // Allocating can grow the wasm memory and detach earlier views: take them after the last allocation.
  const src = ops.backend.typedArrayFromHeap(xc) as Float32Array;
  const dst = ops.backend.typedArrayFromHeap(rows) as Float32Array;
  for (let i = 0; i < fh; i++) {
    const r0 = Math.max(0, padInfo.top - i);
    const r1 = Math.min(oh, h + padInfo.top - i);
    for (let j = 0; j < fw; j++) {
      // Output columns whose input column q + j − left lies inside x; the rest read zero padding.
      const q0 = Math.max(0, padInfo.left - j);
      const q1 = Math.min(ow, w + padInfo.left - j);
      for (let k = 0; k < c; k++) {
        const row = ((i * fw + j) * c + k) * p;
        if (r0 > 0 || r1 < oh || q0 > 0 || q1 < ow || q1 <= q0) dst.fill(0, row, row + p);
        if (q1 <= q0) continue;
        for (let b = 0; b < n; b++) {
          const img = (k * n + b) * h;
          for (let r = r0; r < r1; r++) {
            const from = (img + r + i - padInfo.top) * w + q0 + j - padInfo.left;
            dst.set(src.subarray(from, from + q1 - q0), row + (b * oh + r) * ow + q0);
          }
        }
      }
    }
  }
  return rows;
}
