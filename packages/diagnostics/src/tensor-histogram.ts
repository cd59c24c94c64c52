import { checkArgument } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** The distribution of a tensor's values: summary statistics and equal-width bucket counts. */
export interface Histogram {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Number of values. */
  count: number;
  /** Sum of the values. */
  sum: number;
  /** Sum of the squared values. */
  sumSquares: number;
  /** Bucket edges, `bins + 1` ascending numbers from `min` to `max`. */
  edges: number[];
  /** Values per bucket; the last bucket includes `max`. */
  counts: number[];
}

/**
 * Histogram of `x` with `bins` equal-width buckets between its min and max, computed on the device with
 * tfjs ops: only `bins + 4` numbers are downloaded, never the values themselves. Disposes what it makes.
 */
export async function tensorHistogram(x: tf.Tensor, bins = 30): Promise<Histogram> {
  checkArgument(
    Number.isInteger(bins) && bins >= 1,
    'tensorHistogram',
    `bins must be a positive integer, got ${bins}.`,
  );
  checkArgument(x instanceof tf.Tensor && x.size > 0, 'tensorHistogram', 'x must be a non-empty tensor.');
  const packed = tf.tidy(() => {
    const flat = tf.cast(tf.reshape(x, [-1]), 'float32') as tf.Tensor1D;
    const lo = tf.min(flat);
    const hi = tf.max(flat);
    const width = tf.maximum(tf.sub(hi, lo), tf.scalar(1e-30));
    // Clip while still float: wasm's ClipByValue ignores int32 inputs.
    const idx = tf.cast(
      tf.clipByValue(tf.floor(tf.mul(tf.div(tf.sub(flat, lo), width), bins)), 0, bins - 1),
      'int32',
    );
    const counts = tf.bincount(idx as tf.Tensor1D, tf.tensor1d([], 'float32'), bins);
    const stats = tf.stack([lo, hi, tf.sum(flat), tf.sum(tf.square(flat))]);
    return tf.concat([stats, tf.cast(counts, 'float32')]);
  });
  const v = await packed.data();
  packed.dispose();
  const [min, max, sum, sumSquares] = [v[0], v[1], v[2], v[3]] as [number, number, number, number];
  const step = (max - min) / bins;
  return {
    min,
    max,
    count: x.size,
    sum,
    sumSquares,
    edges: Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * step)),
    counts: Array.from(v.subarray(4)),
  };
}
