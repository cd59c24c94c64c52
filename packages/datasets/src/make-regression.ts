import { BetterDLError, checkInteger, checkOptions, requireBackend } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import { checkRandomState, type RandomStateLike } from './random-state';
import { checkNoise, checkSize, type ToyDataset } from './toy-dataset';

/** Options of {@link makeRegression} (scikit-learn's `make_regression` in camelCase). */
export interface MakeRegressionArgs {
  /** Number of samples. Defaults to 100. */
  nSamples?: number;
  /** Number of features. Defaults to 100. */
  nFeatures?: number;
  /** Features with a non-zero coefficient (capped at nFeatures). Defaults to 10. */
  nInformative?: number;
  /** Number of regression targets (columns of `y`). Defaults to 1. */
  nTargets?: number;
  /** Added to every target. Defaults to 0. */
  bias?: number;
  /** Standard deviation of Gaussian noise added to the targets. Defaults to 0. */
  noise?: number;
  /** Shuffle samples and features. Defaults to true. */
  shuffle?: boolean;
  /** An integer seed (identical to scikit-learn's `random_state`), a `RandomState`, or unseeded. Defaults to unseeded. */
  randomState?: RandomStateLike;
}

/** A {@link ToyDataset} for regression, carrying the true coefficients. */
export interface RegressionDataset extends ToyDataset {
  /** The true linear coefficients, row-major `[nFeatures, nTargets]` (scikit-learn's `coef=True`). */
  coef: Float64Array;
  /** Number of target columns (`y` is `[nSamples, nTargets]`, `yValues` row-major). */
  nTargets: number;
}

/**
 * A random linear regression problem `y = x · coef + bias + noise` with standard-normal features, of which
 * `nInformative` matter. With an integer `randomState` the values are those of scikit-learn's
 * `make_regression` (its `effective_rank` option is not supported).
 *
 * @example
 * const { x, y, coef } = makeRegression({ nSamples: 200, nFeatures: 5, noise: 10, randomState: 0 });
 */
export function makeRegression(args: MakeRegressionArgs = {}): RegressionDataset {
  const { nSamples = 100, nFeatures = 100, nTargets = 1, bias = 0, noise = 0, shuffle = true } = args;
  const fn = 'makeRegression';
  checkOptions(fn, args, [
    'nSamples',
    'nFeatures',
    'nInformative',
    'nTargets',
    'bias',
    'noise',
    'shuffle',
    'randomState',
    'effectiveRank',
  ]);
  requireBackend(fn);
  checkInteger(fn, 'nSamples', nSamples, { min: 1 });
  checkInteger(fn, 'nFeatures', nFeatures, { min: 1 });
  checkInteger(fn, 'nTargets', nTargets, { min: 1 });
  checkSize(fn, nSamples, nFeatures + nTargets);
  checkInteger(fn, 'nInformative', args.nInformative ?? 10, { min: 0 });
  checkNoise(fn, noise);
  if (!Number.isFinite(bias))
    throw new BetterDLError('INVALID_ARGUMENT', `${fn}: bias must be a finite number, got ${bias}.`);
  if ('effectiveRank' in args) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `${fn}: effectiveRank is not supported; omit it for well-conditioned features.`,
    );
  }
  const nInf = Math.min(nFeatures, args.nInformative ?? 10);
  const rs = checkRandomState(args.randomState, fn);
  const f = nFeatures;
  const t = nTargets;
  let x = new Float64Array(nSamples * f);
  for (let i = 0; i < x.length; i++) x[i] = rs.standardNormal();
  let coef = new Float64Array(f * t);
  for (let i = 0; i < nInf * t; i++) coef[i] = 100 * rs.randomSample();
  let y = new Float64Array(nSamples * t);
  for (let i = 0; i < nSamples; i++) {
    for (let k = 0; k < t; k++) {
      let s = 0;
      for (let j = 0; j < f; j++) s += (x[i * f + j] as number) * (coef[j * t + k] as number);
      y[i * t + k] = s + bias;
    }
  }
  if (noise > 0) for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + rs.normal(0, noise);
  if (shuffle) {
    const rows = rs.permutation(nSamples);
    const cols = rs.permutation(f);
    const x2 = new Float64Array(x.length);
    const y2 = new Float64Array(y.length);
    const c2 = new Float64Array(coef.length);
    for (let i = 0; i < nSamples; i++) {
      const r = rows[i] as number;
      for (let j = 0; j < f; j++) x2[i * f + j] = x[r * f + (cols[j] as number)] as number;
      for (let k = 0; k < t; k++) y2[i * t + k] = y[r * t + k] as number;
    }
    for (let j = 0; j < f; j++)
      for (let k = 0; k < t; k++) c2[j * t + k] = coef[(cols[j] as number) * t + k] as number;
    [x, y, coef] = [x2, y2, c2];
  }
  return {
    x: tf.tensor2d(Float32Array.from(x), [nSamples, f], 'float32'),
    y: tf.tensor2d(Float32Array.from(y), [nSamples, t], 'float32'),
    xValues: x,
    yValues: y,
    nSamples,
    nFeatures: f,
    coef,
    nTargets: t,
  };
}
