import { checkOptions, invalidArgument } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { encodeLabels, type LabelsLike, stratifyKeys } from './labels';
import { checkRandomState, type RandomState, type RandomStateLike } from './random-state';

/** Options of {@link trainTestSplit} (scikit-learn's `train_test_split` in camelCase). */
export interface TrainTestSplitArgs {
  /** Fraction of samples in (0, 1) for the test set, or an absolute count. Defaults to 0.25 (or the complement of `trainSize`). */
  testSize?: number;
  /** Fraction in (0, 1) or count for the training set. Defaults to all samples not in the test set. */
  trainSize?: number;
  /** Whether to shuffle before splitting. Defaults to true. */
  shuffle?: boolean;
  /**
   * Keep class proportions equal in both sets: `true` uses `y`, or pass labels. As in scikit-learn, a 2-D `y`
   * of k > 1 columns (one-hot `[n, k]`, multi-label rows; tensor or nested arrays) is stratified on its rows:
   * each distinct row is a class, so the same `randomState` picks the same rows as
   * `train_test_split(..., stratify=Y)`. `[n, 1]` labels (as the generators return `y`) count as 1-D labels,
   * like scikit-learn's 1-D `y`. Needs `shuffle`. Defaults to false.
   */
  stratify?: boolean | LabelsLike;
  /** An integer seed (gives scikit-learn's exact split), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/** What {@link trainTestSplit} returns: four new tensors plus the row indices used. */
export interface TrainTestSplit {
  /** Training rows of `x`. */
  xTrain: tf.Tensor;
  /** Test rows of `x`. */
  xTest: tf.Tensor;
  /** Training rows of `y`. */
  yTrain: tf.Tensor;
  /** Test rows of `y`. */
  yTest: tf.Tensor;
  /** Indices (into the original rows) of the training set, in output order. */
  trainIndices: Int32Array;
  /** Indices of the test set, in output order. */
  testIndices: Int32Array;
}

/** Data accepted by {@link trainTestSplit}: a tensor or nested arrays, split along the first axis. */
export type SplittableData = tf.Tensor | number[] | number[][] | number[][][] | number[][][][];

/** scikit-learn's `_validate_shuffle_split`: resolves the two sizes. */
export function resolveSizes(n: number, testSize?: number, trainSize?: number): [number, number] {
  const check = (name: string, v: number | undefined) => {
    if (v === undefined) return;
    const ok = Number.isInteger(v) ? v >= 1 && v <= n : v > 0 && v < 1;
    if (!ok)
      throw invalidArgument(
        'trainTestSplit',
        `${name} must be a fraction in (0, 1) or an integer count in [1, ${n}], got ${v}.`,
      );
  };
  check('testSize', testSize);
  check('trainSize', trainSize);
  const size = (v: number, round: (x: number) => number) => (Number.isInteger(v) ? v : round(v * n));
  const ts = testSize ?? (trainSize === undefined ? 0.25 : undefined);
  let nTest = ts === undefined ? 0 : size(ts, Math.ceil);
  const nTrain = trainSize === undefined ? n - nTest : size(trainSize, Math.floor);
  if (ts === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n)
    throw invalidArgument(
      'trainTestSplit',
      `testSize + trainSize = ${nTrain + nTest} samples, more than the ${n} available.`,
    );
  if (nTrain < 1)
    throw invalidArgument(
      'trainTestSplit',
      `with ${n} samples this leaves an empty training set; lower testSize.`,
    );
  return [nTest, nTrain];
}

/** scikit-learn's `_approximate_mode`: splits `draws` over classes in proportion to `counts`, ties drawn at random. */
function approximateMode(counts: number[], draws: number, rs: RandomState): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  const continuous = counts.map((c) => (c / total) * draws);
  const floored = continuous.map(Math.floor);
  let need = draws - floored.reduce((a, b) => a + b, 0);
  if (need > 0) {
    const remainder = continuous.map((c, i) => c - (floored[i] as number));
    const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
    for (const value of values) {
      const inds = remainder.flatMap((r, i) => (r === value ? [i] : []));
      const addNow = Math.min(inds.length, need);
      const perm = rs.permutation(inds.length);
      for (let j = 0; j < addNow; j++) floored[inds[perm[j] as number] as number]! += 1;
      need -= addNow;
      if (need === 0) break;
    }
  }
  return floored;
}

function stratifiedIndices(labels: Array<number | string>, nTest: number, nTrain: number, rs: RandomState) {
  const { classes, inverse } = encodeLabels(labels);
  const counts = classes.map(() => 0);
  for (const c of inverse) counts[c]! += 1;
  if (counts.some((c) => c < 2)) {
    throw invalidArgument(
      'trainTestSplit',
      'the least populated class has only 1 member; stratify needs at least 2 per class.',
    );
  }
  if (nTrain < classes.length || nTest < classes.length) {
    throw invalidArgument(
      'trainTestSplit',
      `train and test sets need at least one sample per class (${classes.length}); adjust testSize.`,
    );
  }
  const byClass: number[][] = classes.map(() => []);
  inverse.forEach((c, i) => {
    byClass[c]?.push(i);
  });
  const nI = approximateMode(counts, nTrain, rs);
  const tI = approximateMode(
    counts.map((c, i) => c - (nI[i] as number)),
    nTest,
    rs,
  );
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((idx, k) => {
    const perm = rs.permutation(idx.length);
    const taken = Array.from(perm, (p) => idx[p] as number);
    train.push(...taken.slice(0, nI[k]));
    test.push(...taken.slice(nI[k], (nI[k] as number) + (tI[k] as number)));
  });
  const tr = Int32Array.from(train);
  const te = Int32Array.from(test);
  return [
    Int32Array.from(rs.permutation(tr.length), (p) => tr[p] as number),
    Int32Array.from(rs.permutation(te.length), (p) => te[p] as number),
  ] as const;
}

/**
 * Splits `x` and `y` into training and test sets along the first axis. With an integer `randomState` it
 * picks the same rows, in the same order, as scikit-learn's `train_test_split` (also with `stratify`).
 * The input tensors are not disposed; the four outputs are new tensors.
 *
 * @example
 * const { xTrain, xTest, yTrain, yTest } = trainTestSplit(x, y, { testSize: 0.2, randomState: 42 });
 */
export function trainTestSplit(
  x: SplittableData,
  y: SplittableData,
  args: TrainTestSplitArgs = {},
): TrainTestSplit {
  checkOptions('trainTestSplit', args, ['testSize', 'trainSize', 'shuffle', 'stratify', 'randomState']);
  const { shuffle = true, stratify = false, randomState } = args;
  const xt = x instanceof tf.Tensor ? x : null;
  const yt = y instanceof tf.Tensor ? y : null;
  const n = xt ? xt.shape[0] : (x as unknown[]).length;
  const ny = yt ? yt.shape[0] : (y as unknown[]).length;
  if (n !== ny)
    throw invalidArgument(
      'trainTestSplit',
      `x has ${n} samples but y has ${ny}; they must have the same first dimension.`,
      'SHAPE_MISMATCH',
    );
  if (n < 2) throw invalidArgument('trainTestSplit', `need at least 2 samples, got ${n}.`);
  const [nTest, nTrain] = resolveSizes(n, args.testSize, args.trainSize);
  if (stratify !== false && !shuffle)
    throw invalidArgument('trainTestSplit', 'stratify needs shuffle: true (as in scikit-learn).');
  let trainIdx: Int32Array;
  let testIdx: Int32Array;
  if (!shuffle) {
    trainIdx = Int32Array.from({ length: nTrain }, (_, i) => i);
    testIdx = Int32Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    const rs = checkRandomState(randomState, 'trainTestSplit');
    if (stratify !== false) {
      const labels = stratifyKeys('trainTestSplit', stratify === true ? (yt ?? (y as LabelsLike)) : stratify);
      if (labels.length !== n)
        throw invalidArgument(
          'trainTestSplit',
          `stratify has ${labels.length} labels for ${n} samples.`,
          'SHAPE_MISMATCH',
        );
      [trainIdx, testIdx] = stratifiedIndices(labels, nTest, nTrain, rs);
    } else {
      const perm = rs.permutation(n);
      testIdx = perm.slice(0, nTest);
      trainIdx = perm.slice(nTest, nTest + nTrain);
    }
  }
  const tensors = tf.tidy(() => {
    const xs = xt ?? tf.tensor(x as number[]);
    const ys = yt ?? tf.tensor(y as number[]);
    const tr = tf.tensor1d(trainIdx, 'int32');
    const te = tf.tensor1d(testIdx, 'int32');
    return {
      xTrain: tf.gather(xs, tr),
      xTest: tf.gather(xs, te),
      yTrain: tf.gather(ys, tr),
      yTest: tf.gather(ys, te),
    };
  });
  return { ...tensors, trainIndices: trainIdx, testIndices: testIdx };
}
