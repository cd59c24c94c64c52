import { BetterDLError, checkFinite, checkOneOf, checkOptions } from '@betterdl/runtime';

/**
 * A learning-rate schedule: the rate at a step. Pass it to {@link learningRateScheduler} to apply it once per
 * epoch (`step` = epoch index), or to {@link stepScheduler} to apply it before every batch (`step` = the
 * optimizer's iteration count), as Keras does when a schedule is given to an optimizer.
 */
export type LearningRateSchedule = (step: number) => number;

const who = (name: string) => `schedules.${name}`;

/** `init · decayRate^(step / decaySteps)`, the exponent floored when `staircase` (Keras `ExponentialDecay`). */
export function exponentialDecay(
  initialLearningRate: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): LearningRateSchedule {
  checkFinite(who('exponentialDecay'), 'initialLearningRate', initialLearningRate, { gt: 0 });
  checkFinite(who('exponentialDecay'), 'decaySteps', decaySteps, { gt: 0 });
  checkFinite(who('exponentialDecay'), 'decayRate', decayRate, { gt: 0 });
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

/**
 * Constant pieces (Keras `PiecewiseConstantDecay`): `values[0]` while `step <= boundaries[0]`, `values[i]` while
 * `boundaries[i-1] < step <= boundaries[i]`, the last value beyond. Needs `values.length === boundaries.length + 1`.
 */
export function piecewiseConstantDecay(boundaries: number[], values: number[]): LearningRateSchedule {
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who('piecewiseConstantDecay')}: values must have one more entry than boundaries ` +
        `(got ${values?.length} values for ${boundaries?.length} boundaries).`,
    );
  }
  if (boundaries.some((b, i) => i > 0 && b <= (boundaries[i - 1] as number))) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${who('piecewiseConstantDecay')}: boundaries must increase.`,
    );
  }
  return (step) => {
    for (let i = 0; i < boundaries.length; i++)
      if (step <= (boundaries[i] as number)) return values[i] as number;
    return values[values.length - 1] as number;
  };
}

/**
 * `(init − end)(1 − step/D)^power + end` (Keras `PolynomialDecay`). Without `cycle`, `step` stops at
 * `decaySteps = D`; with it, `D` grows to the next multiple of `decaySteps`, restarting the decay.
 */
export function polynomialDecay(
  initialLearningRate: number,
  decaySteps: number,
  endLearningRate = 1e-4,
  power = 1,
  cycle = false,
): LearningRateSchedule {
  checkFinite(who('polynomialDecay'), 'decaySteps', decaySteps, { gt: 0 });
  checkFinite(who('polynomialDecay'), 'power', power, { min: 0 });
  return (step) => {
    let s = step;
    let d = decaySteps;
    if (cycle) d = decaySteps * (s === 0 ? 1 : Math.ceil(s / decaySteps));
    else s = Math.min(s, decaySteps);
    return (initialLearningRate - endLearningRate) * (1 - s / d) ** power + endLearningRate;
  };
}

/** `init / (1 + decayRate · step/decaySteps)`, floored when `staircase` (Keras `InverseTimeDecay`). */
export function inverseTimeDecay(
  initialLearningRate: number,
  decaySteps: number,
  decayRate: number,
  staircase = false,
): LearningRateSchedule {
  checkFinite(who('inverseTimeDecay'), 'decaySteps', decaySteps, { gt: 0 });
  checkFinite(who('inverseTimeDecay'), 'decayRate', decayRate, { min: 0 });
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate / (1 + decayRate * (staircase ? Math.floor(p) : p));
  };
}

function cosineFactor(fraction: number, alpha: number): number {
  return (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha;
}

/**
 * Cosine decay (Keras `CosineDecay`): with `warmupTarget`, a linear warm-up from `init` to `warmupTarget` over
 * `warmupSteps`, then a cosine from that peak down to `alpha · peak` over `decaySteps`; without, the cosine
 * starts at `init`. The rate stays at its floor after the decay.
 */
export function cosineDecay(
  initialLearningRate: number,
  decaySteps: number,
  alpha = 0,
  warmupTarget: number | null = null,
  warmupSteps = 0,
): LearningRateSchedule {
  checkFinite(who('cosineDecay'), 'decaySteps', decaySteps, { gt: 0 });
  checkFinite(who('cosineDecay'), 'alpha', alpha, { min: 0 });
  checkFinite(who('cosineDecay'), 'warmupSteps', warmupSteps, { min: 0 });
  return (step) => {
    if (warmupTarget === null)
      return initialLearningRate * cosineFactor(Math.min(step, decaySteps) / decaySteps, alpha);
    if (step < warmupSteps) {
      return initialLearningRate + ((warmupTarget - initialLearningRate) * step) / warmupSteps;
    }
    const s = Math.min(step, decaySteps + warmupSteps) - warmupSteps;
    return warmupTarget * cosineFactor(s / decaySteps, alpha);
  };
}

/**
 * Cosine decay with warm restarts (SGDR; Keras `CosineDecayRestarts`): period `i` lasts
 * `firstDecaySteps · tMul^i` steps and starts at `init · mMul^i`.
 */
export function cosineDecayRestarts(
  initialLearningRate: number,
  firstDecaySteps: number,
  tMul = 2,
  mMul = 1,
  alpha = 0,
): LearningRateSchedule {
  checkFinite(who('cosineDecayRestarts'), 'firstDecaySteps', firstDecaySteps, { gt: 0 });
  checkFinite(who('cosineDecayRestarts'), 'tMul', tMul, { gt: 0 });
  checkFinite(who('cosineDecayRestarts'), 'mMul', mMul, { min: 0 });
  return (step) => {
    let fraction = step / firstDecaySteps;
    let restart: number;
    if (tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
      const done = (1 - tMul ** restart) / (1 - tMul);
      fraction = (fraction - done) / tMul ** restart;
    }
    const m = mMul ** restart;
    return initialLearningRate * ((1 - alpha) * 0.5 * m * (1 + Math.cos(Math.PI * fraction)) + alpha);
  };
}

/** Step decay: `init · drop^floor(step / stepsPerDrop)` (the classic "halve every 10 epochs"). */
export function stepDecay(initialLearningRate: number, drop = 0.5, stepsPerDrop = 10): LearningRateSchedule {
  checkFinite(who('stepDecay'), 'initialLearningRate', initialLearningRate, { gt: 0 });
  checkFinite(who('stepDecay'), 'drop', drop, { gt: 0 });
  checkFinite(who('stepDecay'), 'stepsPerDrop', stepsPerDrop, { gt: 0 });
  return (step) => initialLearningRate * drop ** Math.floor(step / stepsPerDrop);
}

/** Options of {@link oneCycle}. */
export interface OneCycleOptions {
  /** Fraction of the steps spent rising to `maxLr`. Defaults to `0.3`. */
  pctStart?: number;
  /** The start rate is `maxLr / divFactor`. Defaults to `25`. */
  divFactor?: number;
  /** The final rate is the start rate divided by this. Defaults to `1e4`. */
  finalDivFactor?: number;
  /** `'cos'` or `'linear'` interpolation. Defaults to `'cos'`. */
  anneal?: 'cos' | 'linear';
}

/**
 * The one-cycle policy (Smith & Topin; same formula as PyTorch `OneCycleLR`): rise from `maxLr/divFactor` to
 * `maxLr` over `pctStart · totalSteps` steps, then fall to `maxLr/(divFactor·finalDivFactor)` at step
 * `totalSteps − 1`.
 */
export function oneCycle(
  maxLr: number,
  totalSteps: number,
  options: OneCycleOptions = {},
): LearningRateSchedule {
  checkFinite(who('oneCycle'), 'maxLr', maxLr, { gt: 0 });
  checkFinite(who('oneCycle'), 'totalSteps', totalSteps, { gt: 0 });
  checkOptions(who('oneCycle'), options, ['pctStart', 'divFactor', 'finalDivFactor', 'anneal']);
  const pct = checkFinite(who('oneCycle'), 'pctStart', options.pctStart ?? 0.3, { gt: 0, lt: 1 });
  const anneal = checkOneOf(who('oneCycle'), 'anneal', options.anneal ?? 'cos', ['cos', 'linear']);
  const initial = maxLr / checkFinite(who('oneCycle'), 'divFactor', options.divFactor ?? 25, { gt: 0 });
  const final =
    initial / checkFinite(who('oneCycle'), 'finalDivFactor', options.finalDivFactor ?? 1e4, { gt: 0 });
  const peakStep = pct * totalSteps - 1;
  const lastStep = totalSteps - 1;
  const interp = (from: number, to: number, f: number) =>
    anneal === 'cos' ? to + ((from - to) / 2) * (1 + Math.cos(Math.PI * f)) : from + (to - from) * f;
  return (step) => {
    if (step <= peakStep) return interp(initial, maxLr, peakStep <= 0 ? 1 : step / peakStep);
    return interp(maxLr, final, Math.min(1, (step - peakStep) / (lastStep - peakStep)));
  };
}

/** Options of {@link cyclical}. */
export interface CyclicalOptions {
  /** `'triangular'`, `'triangular2'` (amplitude halves each cycle) or `'exp_range'` (scaled by `gamma^step`). Defaults to `'triangular'`. */
  mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Decay base for `'exp_range'`. Defaults to `1`. */
  gamma?: number;
}

/**
 * Triangular cyclical learning rates (Smith 2017; PyTorch `CyclicLR`): the rate climbs linearly from `baseLr`
 * to `maxLr` over `stepSize` steps and back down over the next `stepSize`, forever.
 */
export function cyclical(
  baseLr: number,
  maxLr: number,
  stepSize: number,
  options: CyclicalOptions = {},
): LearningRateSchedule {
  checkFinite(who('cyclical'), 'baseLr', baseLr, { min: 0 });
  checkFinite(who('cyclical'), 'maxLr', maxLr, { gt: 0 });
  checkFinite(who('cyclical'), 'stepSize', stepSize, { gt: 0 });
  checkOptions(who('cyclical'), options, ['mode', 'gamma']);
  const mode = checkOneOf(who('cyclical'), 'mode', options.mode ?? 'triangular', [
    'triangular',
    'triangular2',
    'exp_range',
  ]);
  const gamma = checkFinite(who('cyclical'), 'gamma', options.gamma ?? 1, { gt: 0 });
  return (step) => {
    const cycle = Math.floor(1 + step / (2 * stepSize));
    const x = Math.abs(step / stepSize - 2 * cycle + 1);
    const scale = mode === 'triangular' ? 1 : mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : gamma ** step;
    return baseLr + (maxLr - baseLr) * Math.max(0, 1 - x) * scale;
  };
}
