import { readFileSync } from 'node:fs';
import { assertNoLeaks, initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './fixtures.test-helpers';
import { kFold, stratifiedKFold } from './k-fold';
import { makeBlobs } from './make-blobs';
import { makeCircles } from './make-circles';
import { makeClassification } from './make-classification';
import { makeMoons } from './make-moons';
import { makeRegression } from './make-regression';
import { maxAbsScaler, minMaxScaler, type Scaler, standardScaler } from './scalers';
import { toCategorical } from './to-categorical';
import { type TrainTestSplitArgs, trainTestSplit } from './train-test-split';

/** References made by real scikit-learn (and Keras) with parity/sklearn/generate.py; CI does not run Python. */
const fx = JSON.parse(
  readFileSync(new URL('../../../parity/sklearn/fixtures/datasets.json', import.meta.url), 'utf8'),
);

interface GenCase {
  args: Record<string, unknown>;
  shape: [number, number];
  x: number[];
  y: number[];
  centers?: number[][];
  coef?: number[];
}
interface Folds {
  train: number[];
  test: number[];
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

describe(`scikit-learn ${fx.versions['scikit-learn']} parity: generators`, () => {
  const makers = { makeCircles, makeMoons, makeBlobs, makeClassification, makeRegression } as Record<
    string,
    (a: Record<string, unknown>) => {
      x: tf.Tensor;
      y: tf.Tensor;
      xValues: Float64Array;
      yValues: Float64Array;
      centers?: number[][];
      coef?: Float64Array;
    }
  >;
  for (const [name, cases] of Object.entries(fx.generators as Record<string, GenCase[]>)) {
    it.each(cases.map((c) => [JSON.stringify(c.args), c] as const))(`${name}(%s)`, (_n, c) => {
      const d = (makers[name] as (a: Record<string, unknown>) => ReturnType<(typeof makers)[string]>)(c.args);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expectClose(d.yValues, c.y, 1e-12, 'y');
      if (c.centers) expectClose((d.centers as number[][]).flat(), c.centers.flat(), 1e-12, 'centers');
      if (c.coef) expectClose(d.coef as Float64Array, c.coef.flat(), 1e-12, 'coef');
      expect(d.x.shape).toEqual(c.shape);
      tf.dispose([d.x, d.y]);
    });
  }
});

describe(`scikit-learn ${fx.versions['scikit-learn']} parity: splits`, () => {
  const splitCases = fx.splits.trainTestSplit as Array<{
    n: number;
    args: TrainTestSplitArgs;
    stratifyKind: string | null;
    stratify: number[] | number[][] | null;
    train: number[];
    test: number[];
  }>;
  it.each(splitCases.map((c) => [JSON.stringify(c.args), c.stratifyKind ?? '', c] as const))(
    'trainTestSplit(%s) stratify %s picks the same rows',
    (_a, _k, c) => {
      const x = Array.from({ length: c.n }, (_, i) => [i]);
      const forms: Array<tf.Tensor | number[] | number[][] | false> = [false];
      // nested arrays hold float64 (or integer) rows, a tensor float32 ones: each is compared with its numpy twin
      if (c.stratify) forms[0] = c.stratify;
      if (c.stratifyKind === 'float32') forms[0] = tf.tensor2d(c.stratify as number[][]);
      else if (c.stratifyKind !== 'float64' && Array.isArray(c.stratify?.[0]))
        forms.push(tf.tensor2d(c.stratify as number[][]));
      for (const stratify of forms) {
        const s = trainTestSplit(x, x, { ...c.args, stratify });
        expect(Array.from(s.trainIndices)).toEqual(c.train);
        expect(Array.from(s.testIndices)).toEqual(c.test);
        tf.dispose([s.xTrain, s.xTest, s.yTrain, s.yTest]);
        if (stratify instanceof tf.Tensor) stratify.dispose();
      }
    },
  );

  it.each(
    (fx.splits.kFold as Array<{ n: number; k: number; args: object; folds: Folds[] }>).map(
      (c) => [c] as const,
    ),
  )('kFold %#', (c) => {
    const folds = kFold(c.n, c.k, c.args).map((f) => ({
      train: Array.from(f.train),
      test: Array.from(f.test),
    }));
    expect(folds).toEqual(c.folds);
  });

  it.each(
    (fx.splits.stratifiedKFold as Array<{ y: number[]; k: number; args: object; folds: Folds[] }>).map(
      (c) => [c] as const,
    ),
  )('stratifiedKFold %#', (c) => {
    const folds = stratifiedKFold(c.y, c.k, c.args).map((f) => ({
      train: Array.from(f.train),
      test: Array.from(f.test),
    }));
    expect(folds).toEqual(c.folds);
  });
});

describe(`scikit-learn ${fx.versions['scikit-learn']} parity: scalers`, () => {
  const make: Record<string, (args: Record<string, unknown>) => Scaler> = {
    standardScaler: (a) => standardScaler(a),
    minMaxScaler: (a) => minMaxScaler(a),
    maxAbsScaler: () => maxAbsScaler(),
  };
  const cases = fx.scalers as Array<{
    kind: string;
    args: Record<string, unknown>;
    data: string;
    float32: boolean;
    x: number[][];
    shift: number[];
    scale: number[];
    transform: number[][];
    probe: number[][];
    inverse: number[][];
  }>;
  it.each(
    cases.map((c) => [c.kind, JSON.stringify(c.args), c.data, c.float32 ? 'tensor' : 'array', c] as const),
  )('%s(%s) on %s (%s input) has the same statistics and output', async (_k, _a, _d, _f, c) => {
    const input = c.float32 ? tf.tensor2d(c.x) : c.x;
    const s = make[c.kind]?.(c.args) as Scaler;
    s.fit(input);
    const json = s.toJSON();
    // statistics are float64: equal to scikit-learn's to the last bit or two
    expectClose(json.shift, c.shift, 0, 'shift');
    expectClose(json.scale, c.scale, 0, 'scale');
    const [out, back] = await assertNoLeaks(() => {
      const t = s.transform(c.x);
      const b = s.inverseTransform(c.probe);
      const r = [Array.from(t.dataSync()), Array.from(b.dataSync())];
      tf.dispose([t, b]);
      return r;
    });
    // array input is computed in float64 and rounded once to the float32 output: within 2 float32 ulps.
    // (minMaxScaler computes (x - min) / (range / (hi - lo)) + lo where scikit-learn computes
    // x * scale_ + min_, which cancels when the offset is large: docs/parity.md)
    const f32 = (ref: number[][]) => ref.flat().map((v) => Math.fround(v));
    expectClose(out as number[], f32(c.transform), 2 ** -22, 'transform');
    expectClose(back as number[], f32(c.inverse), 2 ** -22, 'inverseTransform');
    if (input instanceof tf.Tensor) input.dispose();
  });
});

describe('Keras to_categorical parity', () => {
  const cases = fx.toCategorical as Array<{
    labels: number[] | number[][];
    numClasses: number | null;
    shape: number[];
    values: number[];
  }>;
  it.runIf(cases.length > 0).each(cases.map((c) => [JSON.stringify(c.labels), c] as const))(
    'toCategorical(%s) has the shape and values of keras.utils.to_categorical',
    (_l, c) => {
      const t = toCategorical(c.labels, c.numClasses ?? undefined);
      expect(t.shape).toEqual(c.shape);
      expect(Array.from(t.dataSync())).toEqual(c.values);
      t.dispose();
    },
  );
});
