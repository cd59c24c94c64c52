import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link topKAccuracy}. */
export interface TopKAccuracyOptions {
  /**
   * How exact ties in `yPred` count. `'sklearn'`: scikit-learn's `top_k_accuracy_score` ranks tied scores by
   * class index, higher index first (a stable ascending sort, reversed), so a tie at the k-th place counts for
   * the higher class index only. `'keras'`: Keras's `SparseTopKCategoricalAccuracy` / `TopKCategoricalAccuracy`
   * (`ops.in_top_k`) count a hit when fewer than k classes score strictly higher, so every class tied at the
   * k-th place counts. Defaults to `'sklearn'`.
   */
  ties?: 'sklearn' | 'keras';
}

/**
 * Rank-k accuracy: the fraction of samples whose true class is among the k highest scores.
 * `yTrue` holds class indices [n] or [n, 1], or one-hot rows [n, c]; `yPred` holds scores [n, c].
 * Exact ties follow scikit-learn's `top_k_accuracy_score` (with `labels` = 0..c-1) unless `ties: 'keras'`.
 *
 * @example
 * const top5 = topKAccuracy(yTest, model.predict(xTest) as tf.Tensor, 5);
 */
export function topKAccuracy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  k = 5,
  opts: TopKAccuracyOptions = {},
): number {
  const ties = opts.ties ?? 'sklearn';
  if (ties !== 'sklearn' && ties !== 'keras') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `topKAccuracy: ties must be 'sklearn' or 'keras', got ${JSON.stringify(ties)}.`,
    );
  }
  if (yPred.rank !== 2) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `topKAccuracy: yPred must be [samples, classes], got shape [${yPred.shape}].`,
    );
  }
  const [n, c] = yPred.shape as [number, number];
  if (yTrue.shape[0] !== n) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `topKAccuracy: yTrue has ${yTrue.shape[0]} samples but yPred has ${n}.`,
    );
  }
  const cols = yTrue.rank === 2 ? (yTrue.shape[1] as number) : 1;
  if (yTrue.rank > 2 || (cols !== 1 && cols !== c)) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `topKAccuracy: yTrue must be class indices [samples] or [samples, 1], or one-hot rows [samples, ${c}], got shape [${yTrue.shape}].`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > c) {
    throw new BetterDLError('INVALID_ARGUMENT', `topKAccuracy: k must be an integer in [1, ${c}], got ${k}.`);
  }
  // [n, 1] holds indices (the shape model.fit takes for sparse labels), not a one-column one-hot.
  const labels = cols > 1 ? tf.tidy(() => tf.argMax(yTrue, 1).dataSync()) : yTrue.dataSync();
  if (cols === 1) {
    for (let i = 0; i < n; i++) {
      const v = labels[i] as number;
      if (!Number.isInteger(v) || v < 0 || v >= c) {
        throw new BetterDLError(
          'INVALID_DATA',
          `topKAccuracy: yTrue[${i}] is ${v}, not a class index in [0, ${c - 1}] (yPred has ${c} classes). ` +
            'Pass integer class indices or one-hot rows.',
        );
      }
    }
  }
  const scores = yPred.dataSync();
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    const own = scores[i * c + label] as number;
    let ahead = 0;
    for (let j = 0; j < c; j++) {
      const v = scores[i * c + j] as number;
      if (Number.isNaN(v))
        throw new BetterDLError(
          'INVALID_DATA',
          `topKAccuracy: yPred[${i}][${j}] is NaN; scores must be numbers.`,
        );
      if (v > own || (ties === 'sklearn' && v === own && j > label)) ahead++;
    }
    if (ahead < k) hits++;
  }
  return hits / n;
}
