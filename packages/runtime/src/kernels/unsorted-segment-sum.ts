import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { withOps } from './wasm-ops';

/**
 * `UnsortedSegmentSum` (missing from stock wasm; the gradient of `gather`, so of every Embedding layer):
 * one wasm `ScatterNd`, which adds rows that share a segment id. Ids outside `[0, numSegments)` are dropped,
 * as on the cpu backend.
 */
export const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const segmentIds = inputs.segmentIds as TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  return withOps(backend, (ops) => {
    const ids = ops.backend.readSync(segmentIds.dataId);
    const n = ids.length;
    const rest = x.shape.slice(segmentIds.shape.length);
    const outShape = [numSegments, ...rest];
    let rows = ops.reshape(x, [n, ...rest]);
    let valid = 0;
    for (let i = 0; i < n; i++) if ((ids[i] as number) >= 0 && (ids[i] as number) < numSegments) valid++;
    if (valid === 0) return ops.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
    let indices: TensorInfo;
    if (valid === n) {
      indices = ops.reshape(segmentIds, [n, 1]);
    } else {
      const keep = new Int32Array(valid);
      const kept = new Int32Array(valid);
      for (let i = 0, k = 0; i < n; i++) {
        const id = ids[i] as number;
        if (id >= 0 && id < numSegments) {
          keep[k] = i;
          kept[k++] = id;
        }
      }
      rows = ops.run('GatherV2', { x: rows, indices: ops.int32(keep, [valid]) }, { axis: 0, batchDims: 0 });
      indices = ops.int32(kept, [valid, 1]);
    }
    return ops.run('ScatterNd', { indices, updates: rows }, { shape: outShape });
  });
};
