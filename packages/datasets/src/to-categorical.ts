import { BetterDLError, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * One-hot encodes integer class labels like Keras's `to_categorical`: `labels` of length n become an
 * [n, numClasses] float32 tensor. `numClasses` defaults to the largest label + 1.
 * Negative, fractional, non-finite or too-large labels are an error naming the first bad index.
 */
export function toCategorical(labels: ArrayLike<number> | tf.Tensor, numClasses?: number): tf.Tensor2D {
  requireBackend('toCategorical');
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  let max = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isInteger(v) || v < 0) {
      throw new BetterDLError(
        'INVALID_DATA',
        `toCategorical: label at index ${i} is ${v}; labels must be non-negative integers (class indices 0..k-1).`,
      );
    }
    if (numClasses !== undefined && v >= numClasses) {
      throw new BetterDLError(
        'INVALID_DATA',
        `toCategorical: label at index ${i} is ${v}, not below numClasses=${numClasses}. Raise numClasses or fix the label.`,
      );
    }
    if (v > max) max = v;
  }
  const k = numClasses ?? max + 1;
  if (!Number.isInteger(k) || k < 1) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `toCategorical: numClasses must be a positive integer, got ${k}.`,
    );
  }
  return tf.tidy(
    () => tf.cast(tf.oneHot(tf.tensor1d(Array.from(values), 'int32'), k), 'float32') as tf.Tensor2D,
  );
}
