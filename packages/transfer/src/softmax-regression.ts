import { BetterDLError, checkOptions, optionNames } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { giveOptimizerToModel } from './compile-state';

/** Options of {@link softmaxRegression}. */
export interface SoftmaxRegressionArgs {
  /** Number of classes. Defaults to the largest label + 1 (or the width of one-hot labels). */
  numClasses?: number;
  /** Training epochs. Defaults to 100. */
  epochs?: number;
  /** Adam learning rate. Defaults to 0.01. */
  lr?: number;
  /** Batch size. Defaults to 64. */
  batchSize?: number;
  /** L2 penalty on the weights (like scikit-learn's `1 / C`, per sample). 0 disables it. Defaults to `1e-4`. */
  l2?: number;
  /**
   * Standardise each feature (zero mean, unit variance, measured on `features`) before training. The scaling
   * is folded into the returned layer's weights, so the model takes raw features. Defaults to `true`.
   */
  standardize?: boolean;
  /** Fraction of the samples held out to report `val_loss` / `val_acc`. Defaults to 0. */
  validationSplit?: number;
  /** Callbacks passed to `fit` (instances, or plain hooks wrapped by tfjs). Defaults to none. */
  callbacks?: tfl.Callback[] | tfl.CustomCallbackArgs[];
}

/** What {@link softmaxRegression} returns. */
export interface SoftmaxRegressionResult {
  /** One Dense softmax layer mapping raw features `[n, d]` to class probabilities `[n, numClasses]`. */
  model: tfl.LayersModel;
  /** The training history. */
  history: tfl.History;
  /** Number of classes. */
  numClasses: number;
}

function toOneHot(labels: tf.Tensor | ArrayLike<number>, n: number, k: number | undefined) {
  return tf.tidy(() => {
    const t = labels instanceof tf.Tensor ? labels : tf.tensor1d(Array.from(labels), 'float32');
    if (t.shape[0] !== n) {
      throw new BetterDLError(
        'SHAPE_MISMATCH',
        `softmaxRegression: ${t.shape[0]} labels for ${n} feature rows; pass one label per row.`,
      );
    }
    if (t.rank === 2 && (t.shape[1] ?? 1) > 1) {
      if (k !== undefined && t.shape[1] !== k) {
        throw new BetterDLError(
          'SHAPE_MISMATCH',
          `softmaxRegression: one-hot labels have ${t.shape[1]} columns but numClasses is ${k}.`,
        );
      }
      return { y: tf.cast(t, 'float32'), k: t.shape[1] as number };
    }
    const idx = tf.cast(tf.reshape(t, [n]), 'int32');
    const values = idx.dataSync();
    let max = 0;
    for (const v of values) {
      if (v < 0)
        throw new BetterDLError('INVALID_DATA', `softmaxRegression: labels must be >= 0, found ${v}.`);
      max = Math.max(max, v);
    }
    const classes = k ?? max + 1;
    if (max >= classes) {
      throw new BetterDLError(
        'INVALID_DATA',
        `softmaxRegression: label ${max} is out of range for numClasses ${classes}; labels must be 0..${classes - 1}.`,
      );
    }
    return { y: tf.oneHot(idx, classes), k: classes };
  });
}

const SOFTMAX_REGRESSION_OPTIONS = optionNames<SoftmaxRegressionArgs>({
  numClasses: true,
  epochs: true,
  lr: true,
  l2: true,
  batchSize: true,
  standardize: true,
  validationSplit: true,
  callbacks: true,
});

/**
 * Trains multinomial logistic regression (one softmax Dense layer) on extracted features: the "simple
 * classifier" of the feature-extraction approach. Labels are class indices (tensor or array) or one-hot rows.
 *
 * @example
 * const feats = await extractFeatures(featureExtractor(base, { pooling: 'flatten' }), x);
 * const { model } = await softmaxRegression(feats, labels, { epochs: 50 });
 * const predicted = tf.argMax(model.predict(feats) as tf.Tensor, 1);
 */
export async function softmaxRegression(
  features: tf.Tensor,
  labels: tf.Tensor | ArrayLike<number>,
  args: SoftmaxRegressionArgs = {},
): Promise<SoftmaxRegressionResult> {
  checkOptions('softmaxRegression', args, SOFTMAX_REGRESSION_OPTIONS);
  const epochs = args.epochs ?? 100;
  const lr = args.lr ?? 0.01;
  const batchSize = args.batchSize ?? 64;
  const l2 = args.l2 ?? 1e-4;
  const bad = (what: string, v: unknown) =>
    new BetterDLError('INVALID_ARGUMENT', `softmaxRegression: ${what}, got ${String(v)}.`);
  if (!Number.isInteger(epochs) || epochs < 1) throw bad('epochs must be a positive integer', epochs);
  if (!(lr > 0)) throw bad('lr must be a positive number', lr);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw bad('batchSize must be a positive integer', batchSize);
  if (!(l2 >= 0)) throw bad('l2 must be >= 0', l2);
  if (args.numClasses !== undefined && (!Number.isInteger(args.numClasses) || args.numClasses < 2)) {
    throw bad('numClasses must be an integer >= 2', args.numClasses);
  }
  if (features.rank < 2 || (features.shape[0] ?? 0) < 1) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `softmaxRegression: features must be [n, d] with n >= 1, got [${features.shape.join(', ')}].`,
    );
  }
  const n = features.shape[0] as number;
  const x2 = features.rank === 2 ? features : tf.reshape(features, [n, -1]);
  const d = x2.shape[1] as number;
  const { y, k } = toOneHot(labels, n, args.numClasses);
  const standardize = args.standardize ?? true;
  const { mean, variance } = tf.moments(x2, 0);
  const std = tf.tidy(() => (standardize ? tf.sqrt(tf.add(variance, 1e-8)) : tf.onesLike(variance)));
  const shift = standardize ? mean : tf.zerosLike(mean);
  const xs = tf.tidy(() => tf.div(tf.sub(x2, shift), std));
  const layer = tfl.layers.dense({
    units: k,
    activation: 'softmax',
    inputShape: [d],
    kernelRegularizer: l2 > 0 ? tfl.regularizers.l2({ l2 }) : undefined,
    name: 'softmax_regression',
  });
  const model = tfl.sequential({ layers: [layer], name: 'softmax_regression' });
  const opt = tf.train.adam(lr);
  model.compile({ optimizer: opt, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  let history: tfl.History;
  try {
    history = await model.fit(xs, y, {
      epochs,
      batchSize,
      shuffle: true,
      validationSplit: args.validationSplit,
      callbacks: args.callbacks,
      verbose: 0,
    });
    // Fold the scaling into the layer: W' = W / std (per input row), b' = b - (mean / std) . W.
    const [w, b] = layer.getWeights() as [tf.Tensor2D, tf.Tensor1D];
    const folded = tf.tidy(() => {
      const wScaled = tf.div(w, tf.reshape(std, [d, 1]));
      const bShift = tf.sub(b, tf.squeeze(tf.matMul(tf.reshape(shift, [1, d]), wScaled), [0]));
      return [wScaled, bShift];
    });
    layer.setWeights(folded);
    tf.dispose(folded);
  } finally {
    tf.dispose([xs, y, mean, variance, std, shift]);
    if (x2 !== features) x2.dispose();
  }
  // The model keeps the optimizer (and disposes it with itself) so it can be trained further.
  giveOptimizerToModel(model);
  return { model, history, numClasses: k };
}
