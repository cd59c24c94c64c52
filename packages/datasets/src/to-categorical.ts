import { BetterDLError, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Integer class labels of any rank, as nested arrays: `[n]`, `[n, m]`, `[n, m, 1]`, ... */
export type NestedLabels = ArrayLike<number> | ReadonlyArray<NestedLabels>;

/** Flattens rectangular nested arrays, returning the values and the shape. */
function flatten(labels: NestedLabels): { values: number[]; shape: number[] } {
  const shape: number[] = [];
  for (
    let level: unknown = labels;
    typeof level === 'object' && level !== null;
    level = (level as unknown[])[0]
  )
    shape.push((level as unknown[]).length);
  const values: number[] = [];
  const walk = (node: unknown, depth: number, at: string) => {
    if (depth === shape.length) {
      values.push(node as number);
      return;
    }
    if (typeof node !== 'object' || node === null || (node as unknown[]).length !== shape[depth]) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `toCategorical: labels must be a rectangular array of shape [${shape.join(', ')}]; labels${at} is not.`,
      );
    }
    for (let i = 0; i < (shape[depth] as number); i++) walk((node as unknown[])[i], depth + 1, `${at}[${i}]`);
  };
  walk(labels, 0, '');
  return { values, shape };
}

/**
 * One-hot encodes integer class labels like Keras's `to_categorical`: labels of shape `[...s]` become a
 * float32 tensor of shape `[...s, numClasses]` (`[n]` → `[n, k]`, `[n, m]` → `[n, m, k]`), except that a
 * trailing axis of size 1 is dropped first, as Keras does (`[n, 1]` → `[n, k]`). `numClasses` defaults to the
 * largest label + 1. Negative, fractional, non-finite or too-large labels are an error naming the first bad
 * index (of the flattened labels).
 */
export function toCategorical(labels: ArrayLike<number> | tf.Tensor1D, numClasses?: number): tf.Tensor2D;
export function toCategorical(labels: NestedLabels | tf.Tensor, numClasses?: number): tf.Tensor;
export function toCategorical(labels: NestedLabels | tf.Tensor, numClasses?: number): tf.Tensor {
  requireBackend('toCategorical');
  let values: ArrayLike<number>;
  let shape: number[];
  if (labels instanceof tf.Tensor) {
    values = labels.dataSync();
    shape = labels.shape.slice();
  } else {
    ({ values, shape } = flatten(labels));
  }
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
  const outer = shape.length > 1 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const out = new Float32Array(values.length * k);
  for (let i = 0; i < values.length; i++) out[i * k + (values[i] as number)] = 1;
  return tf.tensor(out, [...outer, k], 'float32');
}
