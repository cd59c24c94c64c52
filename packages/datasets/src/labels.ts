import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Class labels given as numbers, strings, or a tensor (`[n]`, `[n, 1]`, or one-hot `[n, k]`). */
export type LabelsLike = ArrayLike<number | string> | tf.Tensor;

/** Reads labels into a plain array; a one-hot / probability `[n, k]` tensor gives each row's argmax. */
export function readLabels(fn: string, labels: LabelsLike): Array<number | string> {
  if (!(labels instanceof tf.Tensor)) return Array.from(labels);
  if (labels.rank === 1 || (labels.rank === 2 && labels.shape[1] === 1)) return Array.from(labels.dataSync());
  if (labels.rank !== 2) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `${fn}: labels must be [n], [n, 1] or one-hot [n, k], got shape [${labels.shape.join(', ')}].`,
    );
  }
  const [n, k] = labels.shape as [number, number];
  const v = labels.dataSync();
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if ((v[i * k + j] as number) > (v[i * k + best] as number)) best = j;
    out[i] = best;
  }
  return out;
}

/**
 * numpy's `unique(y, return_inverse=True)`: the sorted distinct labels and each sample's index into them.
 * Numbers sort numerically, strings lexicographically.
 */
export function encodeLabels(labels: Array<number | string>): {
  classes: Array<number | string>;
  inverse: Int32Array;
} {
  const classes = Array.from(new Set(labels)).sort((a, b) =>
    typeof a === 'number' && typeof b === 'number'
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
  const pos = new Map(classes.map((c, i) => [c, i]));
  const inverse = Int32Array.from(labels, (l) => pos.get(l) as number);
  return { classes, inverse };
}
