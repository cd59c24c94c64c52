import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFixture } from './fixtures.test-helpers';
import { type Fold, kFold, stratifiedKFold } from './k-fold';
import { type TrainTestSplitArgs, trainTestSplit } from './train-test-split';

interface SplitFixture {
  trainTestSplit: Array<{
    n: number;
    args: TrainTestSplitArgs;
    stratify: number[] | null;
    train: number[];
    test: number[];
  }>;
  kFold: Array<{
    n: number;
    k: number;
    args: Record<string, unknown>;
    folds: Array<{ train: number[]; test: number[] }>;
  }>;
  stratifiedKFold: Array<{
    y: number[];
    k: number;
    args: Record<string, unknown>;
    folds: Array<{ train: number[]; test: number[] }>;
  }>;
}
const fx = loadFixture<SplitFixture>('splits')[0] as SplitFixture;
const plain = (folds: Fold[]) => folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe('trainTestSplit', () => {
  it.each(fx.trainTestSplit.map((c) => [JSON.stringify(c.args), c.stratify ? 'stratified' : '', c] as const))(
    'picks the rows scikit-learn picks for %s %s',
    async (_a, _b, c) => {
      const x = tf.tensor2d(
        Array.from({ length: c.n }, (_, i) => i),
        [c.n, 1],
      );
      const y = tf.tensor1d(c.stratify ?? new Array(c.n).fill(0));
      const s = await assertNoLeaks(() => {
        const r = trainTestSplit(x, y, { ...c.args, stratify: c.stratify ?? false });
        tf.dispose([r.yTrain, r.yTest]);
        return r;
      });
      expect(Array.from(s.trainIndices)).toEqual(c.train);
      expect(Array.from(s.testIndices)).toEqual(c.test);
      expect(Array.from(s.xTrain.dataSync())).toEqual(c.train);
      expect(Array.from(s.xTest.dataSync())).toEqual(c.test);
      tf.dispose([x, y, s.xTrain, s.xTest]);
    },
  );

  it('splits x and y consistently, keeps trailing shapes, accepts arrays and one-hot stratify', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor3d(
      Array.from({ length: 40 }, (_, i) => i),
      [10, 2, 2],
    );
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2));
    const s = trainTestSplit(x, y, { testSize: 0.4, stratify: true, randomState: 0 });
    expect(s.xTrain.shape).toEqual([6, 2, 2]);
    expect(s.yTest.shape).toEqual([4, 2]);
    const yt = s.yTest.arraySync() as number[][];
    expect(yt.filter((r) => r[0] === 1).length).toBe(2);
    const xa = trainTestSplit([[1], [2], [3], [4]], [10, 20, 30, 40], { testSize: 1, randomState: 1 });
    const xs = xa.xTest.dataSync()[0] as number;
    expect(xa.yTest.dataSync()[0]).toBe(xs * 10);
    tf.dispose([x, y, s.xTrain, s.xTest, s.yTrain, s.yTest, xa.xTrain, xa.xTest, xa.yTrain, xa.yTest]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates sizes and shapes with a fix in the message', () => {
    expect(() => trainTestSplit([[1], [2]], [1, 2, 3])).toThrow(/x has 2 samples but y has 3/);
    expect(() => trainTestSplit([[1], [2], [3]], [1, 2, 3], { testSize: 1.5 })).toThrow(
      /fraction in \(0, 1\)/,
    );
    expect(() => trainTestSplit([[1], [2], [3]], [1, 2, 3], { testSize: 3 })).toThrow(/empty training set/);
    expect(() =>
      trainTestSplit([[1], [2], [3], [4]], [0, 0, 0, 1], { stratify: true, randomState: 0 }),
    ).toThrow(/only 1 member/);
    expect(() => trainTestSplit([[1], [2]], [0, 1], { shuffle: false, stratify: true })).toThrow(
      /stratify needs shuffle/,
    );
  });
});

describe('trainTestSplit stratify on 2-D y', () => {
  it('stratifies one-hot rows (tensor or nested arrays) as classes, like scikit-learn', () => {
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 0, 1];
    const rows = labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    const x = labels.map((_, i) => [i]);
    const a = trainTestSplit(x, rows, { testSize: 0.5, stratify: true, randomState: 3 });
    const yt = tf.tensor2d(rows);
    const b = trainTestSplit(x, yt, { testSize: 0.5, stratify: true, randomState: 3 });
    expect(Array.from(a.testIndices)).toEqual(Array.from(b.testIndices));
    const counts = [0, 0, 0];
    for (const i of a.testIndices) counts[labels[i] as number]! += 1;
    expect(counts).toEqual([3, 3, 2]);
    tf.dispose([yt, a.xTrain, a.xTest, a.yTrain, a.yTest, b.xTrain, b.xTest, b.yTrain, b.yTest]);
  });
});

describe('kFold / stratifiedKFold', () => {
  it.each(fx.kFold.map((c) => [c.n, c.k, JSON.stringify(c.args), c] as const))(
    'kFold(%i, %i, %s) equals scikit-learn KFold',
    (_n, _k, _a, c) => {
      expect(plain(kFold(c.n, c.k, c.args))).toEqual(c.folds);
    },
  );
  it.each(fx.stratifiedKFold.map((c) => [c.k, JSON.stringify(c.args), c] as const))(
    'stratifiedKFold(y, %i, %s) equals scikit-learn StratifiedKFold',
    (_k, _a, c) => {
      expect(plain(stratifiedKFold(c.y, c.k, c.args))).toEqual(c.folds);
    },
  );
  it('every sample is in exactly one test fold; bad k is explained', () => {
    const folds = stratifiedKFold(['a', 'b', 'a', 'b', 'a', 'b'], 3);
    expect(folds.flatMap((f) => Array.from(f.test)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => kFold(5, 6)).toThrow(/k must be an integer in \[2, 5\]/);
    expect(() => stratifiedKFold([0, 0, 1, 1], 3)).toThrow(
      /larger than the number of members of every class/,
    );
  });
});
