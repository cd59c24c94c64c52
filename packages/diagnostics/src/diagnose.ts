import {
  BetterDLError,
  checkArgument,
  checkFinite,
  checkInteger,
  checkOptions,
  checkString,
  optionNames,
  pickMetric,
  resolveMetricDirection,
  splitMetricName,
} from '@betterdl/runtime';
import { mean, roughness, slope, smooth } from './curve-stats';
import { type HistoryLike, normalizeRuns } from './runs';

/** What a pair of learning curves says about a fit. */
export type Verdict =
  | 'good-fit'
  | 'underfit'
  | 'overfit'
  | 'unrepresentative-train'
  | 'unrepresentative-validation'
  | 'unstable';

/** Decision thresholds of {@link diagnose}; all but `minEpochs` are fractions of the curves' span. */
export interface DiagnoseThresholds {
  /** Fewer epochs than this is too short to judge: `underfit`. Defaults to `3`. */
  minEpochs: number;
  /**
   * Train wiggle (RMS around its trend over the second half, over its range) above this is `unstable`, when
   * the wiggle is also above 2% of the curve's level. Defaults to `0.08`.
   */
  noise: number;
  /** Train improving by less than this fraction of its first value is `underfit`. Defaults to `0.02`. */
  minImprovement: number;
  /** Validation rising this far above its best is `overfit`. Defaults to `0.1`. */
  overfitRise: number;
  /** Validation wiggle (as for `noise`) above this and 3× the train wiggle is `unrepresentative-validation`. Defaults to `0.08`. */
  validationNoise: number;
  /** Validation better than train by more than this is `unrepresentative-validation`. Defaults to `0.1`. */
  validationBetter: number;
  /** A final gap (validation worse) above this, with validation not rising, is `unrepresentative-train`. Defaults to `0.35`. */
  gap: number;
  /** Train still improving by more than this over the last quarter is `underfit`. Defaults to `0.1`. */
  stillImproving: number;
}

/** The thresholds {@link diagnose} uses unless told otherwise. */
export const DEFAULT_THRESHOLDS: Readonly<DiagnoseThresholds> = Object.freeze({
  minEpochs: 3,
  noise: 0.08,
  minImprovement: 0.02,
  overfitRise: 0.1,
  validationNoise: 0.08,
  validationBetter: 0.1,
  gap: 0.35,
  stillImproving: 0.1,
});

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /** The metric to judge (`loss`, `val_loss`, `acc`, ...; `val_` is stripped). Defaults to `'loss'`. */
  monitor?: string;
  /**
   * Whether smaller or larger is better; `'auto'` reads it from the name with the rule callbacks use
   * (`@betterdl/runtime`'s `resolveMetricDirection`: `prc`, `auc`, accuracy-like names go up; a name that says
   * neither is an error asking for `mode`). Defaults to `'auto'`.
   */
  mode?: 'min' | 'max' | 'auto';
  /** Override decision thresholds. Defaults to {@link DEFAULT_THRESHOLDS}. */
  thresholds?: Partial<DiagnoseThresholds>;
}

/** The numbers behind a verdict. Values are in the metric's units unless called relative. */
export interface DiagnosisEvidence {
  /** The train metric judged (validation is `val_<monitor>`). */
  monitor: string;
  /** `'min'` when smaller is better. */
  mode: 'min' | 'max';
  /** Number of epochs. */
  epochs: number;
  /** Whether the history has validation values. */
  hasValidation: boolean;
  /** 1-based epoch of the best (smoothed) validation value, or `null` without validation. */
  bestEpoch: number | null;
  /** Best raw validation value, or `null`. */
  bestValue: number | null;
  /** Train value at the end (mean of the last few epochs). */
  finalTrain: number;
  /** Validation value at the end (mean of the last few epochs), or `null`. */
  finalValidation: number | null;
  /** How much worse validation is than train at the end (positive: validation worse), or `null`. */
  gap: number | null;
  /** Range of both curves (max - min): the unit of every relative number. */
  span: number;
  /** `gap / span`, or `null`. */
  relativeGap: number | null;
  /** How far the smoothed validation ended above its best, relative to the span, or `null`. */
  validationRise: number | null;
  /** Least-squares slope of train per epoch over the last quarter (metric units). */
  trainSlope: number;
  /** Train improvement over the last quarter, relative to the span (positive: still improving). */
  recentTrainImprovement: number;
  /** Train improvement from the first to the last epochs, relative to the first value. */
  trainImprovement: number;
  /** Train wiggle (RMS around its trend) over the second half, relative to the train curve's own range. */
  trainNoise: number;
  /** Validation wiggle over the second half, relative to the validation curve's own range, or `null`. */
  validationNoise: number | null;
  /** Number of NaN / infinite values in the judged curves. */
  nonFinite: number;
}

/** The result of {@link diagnose}. */
export interface Diagnosis {
  /** One of six verdicts of the "diagnose with learning curves" lesson. */
  verdict: Verdict;
  /** One sentence saying why. */
  reason: string;
  /** The measured numbers. */
  evidence: DiagnosisEvidence;
  /** Remedies from the lessons, most useful first. */
  suggestions: string[];
}

/** Remedies for each verdict. */
export const SUGGESTIONS: Readonly<Record<Verdict, readonly string[]>> = Object.freeze({
  'good-fit': ['Keep this configuration; use early stopping to save the best epoch.'],
  underfit: [
    'Train for more epochs.',
    'Use a bigger model (more units or layers).',
    'Raise the learning rate or use an adaptive optimizer (Adam).',
    'Reduce regularisation if any.',
  ],
  overfit: [
    'Use early stopping (earlyStopping({ monitor: "val_loss", restoreBestWeights: true })).',
    'Add weight regularisation (L2).',
    'Add dropout.',
    'Add input or activation noise.',
    'Get more training data or use data augmentation.',
  ],
  'unrepresentative-train': [
    'Add more training examples, or move examples from validation to train.',
    'Check that train and validation come from the same distribution (shuffle before splitting).',
  ],
  'unrepresentative-validation': [
    'Use a larger validation set (e.g. validationSplit 0.3) or cross-validation.',
    'Check that validation is not easier than train (e.g. duplicates, leakage, a stratified split).',
  ],
  unstable: [
    'Lower the learning rate.',
    'Use a larger batch size.',
    'Add batch normalisation or scale the inputs.',
    'Clip gradients (clipnorm / clipvalue).',
  ],
});

const DIAGNOSE_OPTIONS = optionNames<DiagnoseOptions>({ monitor: true, mode: true, thresholds: true });

function checkThresholds(given: Partial<DiagnoseThresholds> | undefined): DiagnoseThresholds {
  checkOptions('diagnose', given, Object.keys(DEFAULT_THRESHOLDS), 'thresholds');
  const t: DiagnoseThresholds = { ...DEFAULT_THRESHOLDS, ...given };
  for (const [k, v] of Object.entries(t)) {
    if (k === 'minEpochs') checkInteger('diagnose', 'thresholds.minEpochs', v, { min: 1 });
    else checkFinite('diagnose', `thresholds.${k}`, v, { min: 0 });
  }
  return t;
}

/**
 * Reads a training history the way the "diagnose with learning curves" lesson does and returns a verdict
 * (`good-fit`, `underfit`, `overfit`, `unrepresentative-train`, `unrepresentative-validation`, `unstable`),
 * the numbers behind it and remedies.
 */
export function diagnose(history: HistoryLike, opts: DiagnoseOptions = {}): Diagnosis {
  const runs = normalizeRuns(history, 'diagnose');
  checkArgument(
    runs.length === 1,
    'diagnose',
    `pass one history, got ${runs.length} runs. Call diagnose once per run.`,
  );
  checkOptions('diagnose', opts, DIAGNOSE_OPTIONS);
  const t = checkThresholds(opts.thresholds);
  const h = (runs[0] as { history: Record<string, number[]> }).history;
  const raw = checkString(
    'diagnose',
    'monitor',
    opts.monitor ?? 'loss',
    'Pass a metric name such as "loss".',
  );
  const base = splitMetricName(raw).base;
  const train = pickMetric(h, base);
  if (!train) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `diagnose: the history has no "${base}". Available: ${Object.keys(h).join(', ')}. Set { monitor }.`,
    );
  }
  const mode = resolveMetricDirection('diagnose', base, opts.mode ?? 'auto');
  const valName = `val_${base}`;
  const val = pickMetric(h, valName);
  if (val && val.length !== train.length) {
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `diagnose: the history has ${val.length} ${valName} values but ${train.length} ${base} values; each needs ` +
        'one per epoch. Pass the complete history of one fit (validation every epoch), or drop the validation key ' +
        'to judge the training curve alone.',
    );
  }
  return judge(train, val, base, mode, t);
}

function judge(
  trainIn: number[],
  valIn: number[] | undefined,
  monitor: string,
  mode: 'min' | 'max',
  t: DiagnoseThresholds,
): Diagnosis {
  const n = trainIn.length;
  const sign = mode === 'min' ? 1 : -1;
  // Work on "badness" (smaller is better) so one set of rules covers losses and accuracies.
  const tr = trainIn.map((v) => sign * v);
  const va = valIn?.map((v) => sign * v);
  const nonFinite = [...tr, ...(va ?? [])].filter((v) => !Number.isFinite(v)).length;
  const w = Math.max(1, Math.min(100, Math.round(n / 20)));
  const tail = Math.max(1, Math.min(w, Math.ceil(n / 10)));
  const finite = (ys: number[]) => ys.filter(Number.isFinite);
  const range = (ys: number[]) => {
    const f = finite(ys);
    return f.length ? Math.max(Math.max(...f) - Math.min(...f), 1e-12) : 1;
  };
  const span = range([...tr, ...(va ?? [])]);
  const ts = smooth(tr, w);
  const vs = va ? smooth(va, w) : undefined;
  const half = Math.floor(n / 2);
  const q = Math.max(0, n - Math.max(2, Math.ceil(n / 4)));
  const finalTrain = mean(tr, n - tail);
  const finalVal = va ? mean(va, n - tail) : null;
  let bestIdx: number | null = null;
  if (vs) {
    bestIdx = 0;
    for (let i = 1; i < n; i++) if ((vs[i] as number) < (vs[bestIdx] as number)) bestIdx = i;
  }
  const startTrain = mean(tr, 0, Math.min(n, tail));
  const evidence: DiagnosisEvidence = {
    monitor,
    mode,
    epochs: n,
    hasValidation: va !== undefined,
    bestEpoch: bestIdx === null ? null : bestIdx + 1,
    bestValue: va ? sign * Math.min(...finite(va)) : null,
    finalTrain: sign * finalTrain,
    finalValidation: finalVal === null ? null : sign * finalVal,
    gap: finalVal === null ? null : finalVal - finalTrain,
    span,
    relativeGap: finalVal === null ? null : (finalVal - finalTrain) / span,
    validationRise: vs && bestIdx !== null ? ((vs[n - 1] as number) - (vs[bestIdx] as number)) / span : null,
    trainSlope: sign * slope(tr, q),
    recentTrainImprovement: n >= 2 ? ((ts[q] as number) - (ts[n - 1] as number)) / span : 0,
    trainImprovement: (startTrain - finalTrain) / Math.max(Math.abs(startTrain), 1e-12),
    trainNoise: roughness(tr, ts, half) / range(tr),
    validationNoise: va && vs ? roughness(va, vs, half) / range(va) : null,
    nonFinite,
  };
  const out = (verdict: Verdict, reason: string): Diagnosis => ({
    verdict,
    reason,
    evidence,
    suggestions: [...SUGGESTIONS[verdict]],
  });
  const f = (x: number) => x.toPrecision(3);
  if (nonFinite > 0) return out('unstable', `${nonFinite} value(s) are NaN or infinite: training diverged.`);
  if (n < t.minEpochs) return out('underfit', `Only ${n} epoch(s): training has barely started.`);
  if (evidence.trainImprovement < -t.minImprovement) {
    return out(
      'unstable',
      `Train ${monitor} got worse over training (${f(sign * startTrain)} → ${f(sign * finalTrain)}).`,
    );
  }
  const level = Math.max(Math.abs(mean(ts, half)), 1e-12);
  if (evidence.trainNoise > t.noise && roughness(tr, ts, half) / level > 0.02) {
    return out(
      'unstable',
      `Train ${monitor} jumps around its trend by ${f(evidence.trainNoise * 100)}% of its range.`,
    );
  }
  if (evidence.trainImprovement < t.minImprovement) {
    return out(
      'underfit',
      `Train ${monitor} is flat (improved by ${f(evidence.trainImprovement * 100)}%): the model is not learning.`,
    );
  }
  if (
    va &&
    evidence.validationRise !== null &&
    evidence.relativeGap !== null &&
    evidence.validationNoise !== null
  ) {
    if (evidence.validationRise > t.overfitRise && evidence.relativeGap > 0) {
      return out(
        'overfit',
        `Validation ${monitor} was best at epoch ${evidence.bestEpoch} and then rose by ${f(evidence.validationRise * 100)}% of the range while train kept improving.`,
      );
    }
    if (evidence.validationNoise > t.validationNoise && evidence.validationNoise > 3 * evidence.trainNoise) {
      return out(
        'unrepresentative-validation',
        `Validation ${monitor} is much noisier than train: the validation set is too small or unlike train.`,
      );
    }
    if (-evidence.relativeGap > t.validationBetter) {
      return out(
        'unrepresentative-validation',
        `Validation ${monitor} is clearly better than train: the validation set is easier than the training set.`,
      );
    }
    if (evidence.relativeGap > t.gap) {
      return out(
        'unrepresentative-train',
        `Both curves improve but a large gap (${f(evidence.relativeGap * 100)}% of the range) remains: the training set does not represent the problem.`,
      );
    }
  }
  if (evidence.recentTrainImprovement > t.stillImproving) {
    return out(
      'underfit',
      `Train ${monitor} is still improving at the end (${f(evidence.recentTrainImprovement * 100)}% of the range over the last quarter): train longer.`,
    );
  }
  return out(
    'good-fit',
    va
      ? `Train and validation ${monitor} level off close together (gap ${f((evidence.relativeGap ?? 0) * 100)}% of the range).`
      : `Train ${monitor} levels off (no validation data to compare with).`,
  );
}
