/**
 * Every place where `@betterdl/callbacks` relies on tfjs-core internals, each with the check that proves the
 * assumption still holds. The checks run once, at the first use of any accessor here, and fail with a
 * `BetterDLError` naming the installed tfjs-core version, instead of training with silently wrong state.
 * betterdl supports tfjs-core ~4.22.0 (the peer range): these are the assumptions a new tfjs may break.
 */
import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs-core versions these assumptions are verified against (the packages' peer range). */
export const SUPPORTED_TFJS = '~4.22.0';

/** A per-variable optimizer slot as tfjs keeps it (`{ originalName, variable }`). */
export interface OptimizerSlot {
  originalName: string;
  variable: tf.Variable;
}

type Fields = Record<string, unknown>;

/** Optimizers that read a plain `learningRate` number field on every step (no `setLearningRate`). */
export const RATE_FIELD_OPTIMIZERS = ['Adam', 'Adamax', 'RMSProp', 'Adagrad', 'Adadelta'] as const;
/** Adamax has no getWeights/setWeights in tfjs-core 4.22: its slot arrays are read and replaced directly. */
export const ADAMAX_SLOTS = ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'] as const;
/** Scalar variables that `setWeights` recomputes with `pow` (not bit-exact) or does not restore at all. */
export const OPTIMIZER_SCALARS: Record<string, string[]> = {
  Adam: ['accBeta1', 'accBeta2'],
  Adamax: ['iteration', 'accBeta1'],
};

/** The error for a broken assumption: what betterdl relies on, the installed version, the fix. */
export function tfjsAssumptionError(assumption: string, version = tf.version_core): BetterDLError {
  return new BetterDLError(
    'UNSUPPORTED',
    `@betterdl/callbacks relies on ${assumption}, which @tensorflow/tfjs-core ${version} no longer provides. ` +
      `betterdl supports tfjs-core ${SUPPORTED_TFJS}: install @tensorflow/tfjs-core@${SUPPORTED_TFJS} and ` +
      `@tensorflow/tfjs-layers@${SUPPORTED_TFJS}, or a betterdl release that supports ${version}.`,
  );
}

/** Fisher–Yates in place exactly as tfjs's `util.shuffle` (which `fit` uses), drawing from `random`. */
export function shuffleLikeTfjs(order: number[], random: () => number): void {
  for (let counter = order.length; counter > 0; ) {
    const index = (random() * counter) | 0;
    counter--;
    const t = order[counter] as number;
    order[counter] = order[index] as number;
    order[index] = t;
  }
}

/** Runs every check against the installed tfjs-core; throws the first broken assumption. Exported for tests. */
export function checkTfjsInternals(core: typeof tf = tf): void {
  const version = core.version_core;
  const fail = (what: string) => {
    throw tfjsAssumptionError(what, version);
  };
  // fit shuffles with util.shuffle, which draws from Math.random: seeded runs and exact resumes need that.
  const draws = [0.9, 0.1, 0.5, 0.7, 0.3, 0.2];
  const theirs = [0, 1, 2, 3, 4, 5];
  const original = Math.random;
  let i = 0;
  Math.random = () => draws[i++ % draws.length] as number;
  try {
    core.util.shuffle(theirs);
  } finally {
    Math.random = original;
  }
  const ours = [0, 1, 2, 3, 4, 5];
  i = 0;
  shuffleLikeTfjs(ours, () => draws[i++ % draws.length] as number);
  if (ours.join() !== theirs.join()) fail('util.shuffle being Fisher–Yates drawing (Math.random() * n) | 0');

  core.tidy(() => {
    const x = core.variable(core.ones([2]), true);
    const step = (o: tf.Optimizer) => o.minimize(() => core.sum(core.square(x)) as tf.Scalar);
    const made: tf.Optimizer[] = [
      core.train.adam(0.25),
      core.train.adamax(0.25),
      core.train.rmsprop(0.25),
      core.train.adagrad(0.25),
      core.train.adadelta(0.25),
    ];
    try {
      for (const o of made) {
        const f = o as unknown as Fields;
        if (f.learningRate !== 0.25)
          fail(`${o.getClassName()} keeping its rate in a numeric learningRate field`);
      }
      const adamax = made[1] as tf.Optimizer;
      step(adamax);
      const f = adamax as unknown as Fields;
      for (const field of ADAMAX_SLOTS) {
        const slots = f[field] as OptimizerSlot[] | undefined;
        if (!Array.isArray(slots) || !(slots[0]?.variable instanceof core.Variable) || !slots[0].originalName)
          fail(`Adamax keeping its slots in ${field} as [{ originalName, variable }]`);
      }
      if (f.iterations_ !== 1) fail('Optimizer counting steps in its iterations_ field');
      for (const [name, o] of [
        ['Adam', made[0]],
        ['Adamax', adamax],
      ] as const) {
        for (const s of OPTIMIZER_SCALARS[name] ?? []) {
          if (!((o as unknown as Fields)[s] instanceof core.Variable))
            fail(`${name} keeping ${s} as a variable`);
        }
      }
    } finally {
      for (const o of made) o.dispose();
      x.dispose();
    }
  });
}

const CHECKED = Symbol.for('betterdl.callbacks.tfjs-internals-checked');
function ensureChecked(): void {
  const g = globalThis as unknown as Record<symbol, string | undefined>;
  if (g[CHECKED] === tf.version_core) return;
  checkTfjsInternals();
  g[CHECKED] = tf.version_core;
}

/** The numeric `learningRate` field of Adam, Adamax, RMSProp, Adagrad, Adadelta (undefined for others). */
export function rateField(optimizer: tf.Optimizer): number | undefined {
  ensureChecked();
  const lr = (optimizer as unknown as Fields).learningRate;
  return typeof lr === 'number' ? lr : undefined;
}

/** Sets that field; the optimizer reads it on its next step. */
export function setRateField(optimizer: tf.Optimizer, lr: number): void {
  ensureChecked();
  (optimizer as unknown as Fields).learningRate = lr;
}

/** Adamax's slot array `field`. */
export function adamaxSlots(optimizer: tf.Optimizer, field: (typeof ADAMAX_SLOTS)[number]): OptimizerSlot[] {
  ensureChecked();
  return ((optimizer as unknown as Fields)[field] as OptimizerSlot[] | undefined) ?? [];
}

/** Replaces Adamax's slot array `field` and its step count (the caller disposes the old variables). */
export function setAdamaxSlots(
  optimizer: tf.Optimizer,
  field: (typeof ADAMAX_SLOTS)[number],
  slots: OptimizerSlot[],
  iterations: number,
): void {
  ensureChecked();
  const f = optimizer as unknown as Fields;
  f[field] = slots;
  f.iterations_ = iterations;
}

/** An internal scalar variable of the optimizer (see {@link OPTIMIZER_SCALARS}), if it has it. */
export function optimizerScalar(optimizer: tf.Optimizer, name: string): tf.Variable | undefined {
  ensureChecked();
  const v = (optimizer as unknown as Fields)[name];
  return v instanceof tf.Variable ? v : undefined;
}
