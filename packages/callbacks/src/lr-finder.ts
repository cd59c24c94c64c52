import { BetterDLError, checkFinite, checkInteger, checkOptions, optionNames } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelOptimizer, setLearningRate } from './learning-rate';
import { captureOptimizerState, cloneWeights, restoreOptimizerState } from './optimizer-state';

/** Options of {@link lrFinder}. */
export interface LrFinderArgs {
  /** First rate tried. Defaults to `1e-7`. */
  minLr?: number;
  /** Last rate tried. Defaults to `10`. */
  maxLr?: number;
  /** Number of training steps (one batch each), rates spaced geometrically. Defaults to `100`. */
  steps?: number;
  /** Batch size. Defaults to `32`. */
  batchSize?: number;
  /** Stop once the smoothed loss exceeds this multiple of the best one. Defaults to `4`. */
  stopFactor?: number;
  /** Exponential smoothing of the loss curve, in [0, 1). Defaults to `0.98`. */
  smoothing?: number;
}

const LR_FINDER_OPTIONS = optionNames<LrFinderArgs>({
  minLr: true,
  maxLr: true,
  steps: true,
  batchSize: true,
  stopFactor: true,
  smoothing: true,
});

/** What {@link lrFinder} measured. */
export interface LrFinderResult {
  /** Rates tried, in order. */
  learningRates: number[];
  /** Raw batch losses at those rates. */
  losses: number[];
  /** Smoothed (bias-corrected exponential moving average) losses. */
  smoothedLosses: number[];
  /** The rate where the smoothed loss falls fastest (per log-rate) — a good starting rate. */
  suggestedLr: number;
  /** The rate with the lowest smoothed loss. */
  minLossLr: number;
}

/**
 * The learning-rate range test (Smith 2015, fastai's `lr_find`): trains one batch per step while the rate grows
 * geometrically from `minLr` to `maxLr`, records the loss, stops when it explodes, and suggests the rate of the
 * steepest descent. The model's weights and its optimizer (state, step count and rate) are put back afterwards.
 *
 * @example
 * const { suggestedLr } = await lrFinder(model, x, y, { minLr: 1e-6, maxLr: 1, steps: 100 });
 * setLearningRate(model.optimizer, suggestedLr);
 */
export async function lrFinder(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  args: LrFinderArgs = {},
): Promise<LrFinderResult> {
  const who = 'lrFinder';
  checkOptions(who, args, LR_FINDER_OPTIONS);
  const minLr = checkFinite(who, 'minLr', args.minLr ?? 1e-7, { gt: 0 });
  const maxLr = checkFinite(who, 'maxLr', args.maxLr ?? 10, { gt: minLr }, 'It must be above minLr.');
  const steps = checkInteger(who, 'steps', args.steps ?? 100, { min: 2 });
  const batchSize = checkInteger(who, 'batchSize', args.batchSize ?? 32, { min: 1 });
  const stopFactor = checkFinite(who, 'stopFactor', args.stopFactor ?? 4, { gt: 1 });
  const beta = checkFinite(who, 'smoothing', args.smoothing ?? 0.98, { min: 0, lt: 1 });
  const n = x.shape[0];
  if (n !== y.shape[0] || n === 0) {
    throw new BetterDLError('SHAPE_MISMATCH', `lrFinder: x has ${n} samples but y has ${y.shape[0]}.`);
  }
  const optimizer = modelOptimizer(model, 'lrFinder');
  const savedOpt = await captureOptimizerState(optimizer);
  const savedWeights = cloneWeights(model);
  const learningRates: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  try {
    let avg = 0;
    let best = Number.POSITIVE_INFINITY;
    const batches = Math.ceil(n / batchSize);
    for (let i = 0; i < steps; i++) {
      const lr = minLr * (maxLr / minLr) ** (i / (steps - 1));
      setLearningRate(optimizer, lr);
      const start = (i % batches) * batchSize;
      const size = Math.min(batchSize, n - start);
      const xb = tf.slice(x, start, size);
      const yb = tf.slice(y, start, size);
      let out: number | number[];
      try {
        out = await model.trainOnBatch(xb, yb);
      } finally {
        tf.dispose([xb, yb]);
      }
      const loss = Array.isArray(out) ? (out[0] as number) : out;
      avg = beta * avg + (1 - beta) * loss;
      const s = avg / (1 - beta ** (i + 1));
      learningRates.push(lr);
      losses.push(loss);
      smoothed.push(s);
      if (!Number.isFinite(s) || s > stopFactor * best) break;
      best = Math.min(best, s);
    }
  } finally {
    model.setWeights(savedWeights);
    tf.dispose(savedWeights);
    await restoreOptimizerState(optimizer, savedOpt);
  }
  let minIdx = 0;
  for (let i = 1; i < smoothed.length; i++)
    if ((smoothed[i] as number) < (smoothed[minIdx] as number)) minIdx = i;
  let steep = -1;
  let steepest = 0;
  for (let i = 1; i <= minIdx; i++) {
    const g =
      ((smoothed[i] as number) - (smoothed[i - 1] as number)) /
      (Math.log(learningRates[i] as number) - Math.log(learningRates[i - 1] as number));
    if (g < steepest) {
      steepest = g;
      steep = i;
    }
  }
  const minLossLr = learningRates[minIdx] as number;
  return {
    learningRates,
    losses,
    smoothedLosses: smoothed,
    suggestedLr: steep >= 0 ? (learningRates[steep] as number) : minLossLr / 10,
    minLossLr,
  };
}
