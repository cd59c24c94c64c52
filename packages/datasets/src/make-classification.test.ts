import { initRuntime } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, loadFixture } from './fixtures.test-helpers';
import { type MakeClassificationArgs, makeClassification } from './make-classification';
import { type MakeRegressionArgs, makeRegression } from './make-regression';

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', verbose: false });
});

// Sums of products are accumulated left to right here and by BLAS in numpy, so values agree to ~1e-14
// relative rather than bit for bit; labels and every random draw agree exactly.
describe('makeClassification', () => {
  it.each(loadFixture('make-classification').map((c) => [JSON.stringify(c.args), c] as const))(
    'equals scikit-learn make_classification(%s)',
    (_name, c) => {
      const d = makeClassification(c.args as MakeClassificationArgs);
      expect([d.nSamples, d.nFeatures]).toEqual(c.shape);
      expect(Array.from(d.yValues)).toEqual(c.y);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expect(d.y.shape).toEqual([c.shape[0], 1]);
      tf.dispose([d.x, d.y]);
    },
  );

  it('validates the feature budget and cluster count', () => {
    expect(() => makeClassification({ nFeatures: 3, nInformative: 2, nRedundant: 2 })).toThrow(
      /exceeds nFeatures = 3/,
    );
    expect(() => makeClassification({ nInformative: 1, nClasses: 3 })).toThrow(
      /6 clusters need 2 \*\* nInformative >= 6/,
    );
    expect(() => makeClassification({ weights: [0.1, 0.2, 0.3], nClasses: 2 })).toThrow(
      /weights needs 2 or 1 entries/,
    );
    expect(() => makeClassification({ shift: [1, 2] })).toThrow(/shift must be a number, 20 numbers/);
  });
});

describe('makeRegression', () => {
  it.each(loadFixture('make-regression').map((c) => [JSON.stringify(c.args), c] as const))(
    'equals scikit-learn make_regression(%s)',
    (_name, c) => {
      const d = makeRegression(c.args as MakeRegressionArgs);
      expectClose(d.xValues, c.x, 1e-12, 'x');
      expectClose(d.yValues, c.y, 1e-12, 'y');
      expectClose(d.coef, c.coef as number[], 1e-12, 'coef');
      expect(d.y.shape).toEqual([c.shape[0], 1]);
      tf.dispose([d.x, d.y]);
    },
  );

  it('supports several targets and refuses effectiveRank', () => {
    const d = makeRegression({ nSamples: 4, nFeatures: 3, nTargets: 2, randomState: 0 });
    expect(d.y.shape).toEqual([4, 2]);
    expect(d.coef.length).toBe(6);
    tf.dispose([d.x, d.y]);
    expect(() => makeRegression({ effectiveRank: 2 } as MakeRegressionArgs)).toThrow(
      /effectiveRank is not supported/,
    );
  });
});
