import { BetterDLError, invalidArgument, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type { RandomState } from './random-state';

/** What every synthetic generator (`makeCircles`, `makeBlobs`, ...) returns. */
export interface ToyDataset {
  /** Features, float32 `[nSamples, nFeatures]`, ready for `model.fit`. */
  x: tf.Tensor2D;
  /** Targets, float32 `[nSamples, 1]`: the class index, or the regression target. */
  y: tf.Tensor2D;
  /** The exact float64 features, row-major `nSamples * nFeatures` (what scikit-learn returns as `X`). */
  xValues: Float64Array;
  /** The exact float64 targets, one per sample (what scikit-learn returns as `y`). */
  yValues: Float64Array;
  /** Number of samples (rows). */
  nSamples: number;
  /** Number of features (columns of `x`). */
  nFeatures: number;
}

/**
 * Wraps exact values into a {@link ToyDataset}, creating its two tensors.
 *
 * @param fn The public function named if no tfjs backend is registered. Defaults to `'toyDataset'`.
 */
export function toyDataset(
  xValues: Float64Array,
  yValues: Float64Array,
  nFeatures: number,
  fn = 'toyDataset',
): ToyDataset {
  requireBackend(fn);
  const nSamples = yValues.length;
  return {
    x: tf.tensor2d(Float32Array.from(xValues), [nSamples, nFeatures], 'float32'),
    y: tf.tensor2d(Float32Array.from(yValues), [nSamples, 1], 'float32'),
    xValues,
    yValues,
    nSamples,
    nFeatures,
  };
}

/** numpy's `linspace(0, stop, num, endpoint)`, bit for bit. */
export function linspace(stop: number, num: number, endpoint: boolean): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  if (div > 0) {
    const step = stop / div;
    for (let i = 0; i < num; i++) out[i] = i * step;
  }
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/** Permutes the rows of `x` (with `f` columns) and `y` by one `rs.permutation(n)`, like sklearn's `shuffle(X, y)`. */
export function shuffleRows(
  rs: RandomState,
  x: Float64Array,
  y: Float64Array,
  f: number,
): [Float64Array, Float64Array] {
  const n = y.length;
  const idx = rs.permutation(n);
  const x2 = new Float64Array(x.length);
  const y2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = idx[i] as number;
    y2[i] = y[s] as number;
    for (let j = 0; j < f; j++) x2[i * f + j] = x[s * f + j] as number;
  }
  return [x2, y2];
}

/** The most values (samples × features) a generator makes: 2^28, 2 GiB of float64 plus its float32 tensor. */
export const MAX_VALUES = 2 ** 28;

/** Throws `INVALID_ARGUMENT` when `nSamples × nFeatures` values cannot be held (instead of a RangeError). */
export function checkSize(fn: string, nSamples: number, nFeatures: number): void {
  if (nSamples * nFeatures > MAX_VALUES) {
    throw invalidArgument(
      fn,
      `nSamples × nFeatures = ${nSamples * nFeatures} values is more than a generator can hold (${MAX_VALUES}). ` +
        'Generate fewer samples, or several smaller batches.',
    );
  }
}

/** Throws unless `v` is undefined/null or a finite number >= 0. */
export function checkNoise(fn: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${fn}: noise must be a finite number >= 0 (the standard deviation of Gaussian noise), got ${String(v)}.`,
    );
  }
}
