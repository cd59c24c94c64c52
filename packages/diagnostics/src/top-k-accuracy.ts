import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Rank-k accuracy: the fraction of samples whose true class is among the k highest scores.
 * `yTrue` holds class indices [n] or [n, 1], or one-hot rows [n, c]; `yPred` holds scores [n, c].
 */
export function topKAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor, k = 5): number {
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
  return tf.tidy(() => {
    // [n, 1] holds indices (the shape model.fit takes for sparse labels), not a one-column one-hot.
    if (cols === 1) {
      const values = yTrue.dataSync();
      for (let i = 0; i < n; i++) {
        const v = values[i] as number;
        if (!Number.isInteger(v) || v < 0 || v >= c) {
          throw new BetterDLError(
            'INVALID_DATA',
            `topKAccuracy: yTrue[${i}] is ${v}, not a class index in [0, ${c - 1}] (yPred has ${c} classes). ` +
              'Pass integer class indices or one-hot rows.',
          );
        }
      }
    }
    const labels = cols > 1 ? tf.argMax(yTrue, 1) : tf.cast(tf.reshape(yTrue, [n]), 'int32');
    const { indices } = tf.topk(yPred, k);
    const match = tf.any(tf.equal(indices, tf.expandDims(labels, 1)), 1);
    return tf.mean(tf.cast(match, 'float32')).dataSync()[0] as number;
  });
}
