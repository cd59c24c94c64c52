import { BetterDLError, checkOptions, optionNames } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { headLayersOf } from './attach-head';
import { giveOptimizerToModel, ownsOptimizer } from './compile-state';
import { freeze, unfreeze } from './freeze';
import { type LayerSelector, leafLayers, selectLayers } from './select-layers';

/** Training data of {@link fineTune}: tensors, or a tf.data Dataset of `{ xs, ys }` batches. */
export type FineTuneData =
  | {
      /** Inputs. */
      x: tf.Tensor | tf.Tensor[];
      /** Targets (one-hot for the default categorical cross-entropy). */
      y: tf.Tensor | tf.Tensor[];
      /** Held-out data evaluated after each epoch. */
      validationData?: [tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]];
      /** Fraction of `x`/`y` held out for validation instead (ignored with `validationData`). */
      validationSplit?: number;
    }
  | {
      /** A tf.data Dataset yielding `{ xs, ys }` batches (trained with `fitDataset`). */
      dataset: unknown;
      /** Validation Dataset or tensors passed to `fitDataset`. */
      validationData?: unknown;
    };

/** A callback for `fit`: a `tf.Callback` (or `CustomCallback`) instance, or plain hooks such as `{ onEpochEnd }`. */
export type FitCallback = tfl.Callback | tfl.CustomCallback | tfl.CustomCallbackArgs;

function toCallbacks(list: FitCallback[]): tfl.CustomCallback[] {
  // tfjs only accepts an array of instances or an array of plain hooks, never a mix.
  return list.map((c) =>
    typeof (c as { setModel?: unknown }).setModel === 'function'
      ? (c as tfl.CustomCallback)
      : new tfl.CustomCallback(c as tfl.CustomCallbackArgs),
  );
}

/** One phase of {@link fineTune}. */
export interface FineTunePhase {
  /** Epochs of this phase. */
  epochs: number;
  /** Learning rate of the fresh optimizer used in this phase. */
  lr: number;
  /** Callbacks for this phase only (added to {@link FineTuneArgs.callbacks}). */
  callbacks?: FitCallback[];
}

/** Options of {@link fineTune}. */
export interface FineTuneArgs {
  /** Phase 1: only the head trains while the rest is frozen, with a small learning rate. Defaults to `{ epochs: 5, lr: 1e-3 }`. */
  warmup?: Partial<FineTunePhase>;
  /**
   * Phase 2: these layers are unfrozen too and training goes on (the head keeps training). `layers` is a
   * {@link LayerSelector}, e.g. `'all'`, `-4` (the last four entries of `model.layers`) or `/^conv2/`.
   * Defaults to `{ layers: 'all', epochs: 5, lr: warmup.lr / 10 }`.
   */
  unfreeze?: Partial<FineTunePhase> & { layers?: LayerSelector };
  /**
   * The layers that form the new head (trainable in both phases). Defaults to the layers added by
   * {@link attachHead}; required for a model that did not come from it.
   */
  head?: LayerSelector;
  /** Makes the optimizer of each phase from its learning rate. Defaults to `lr => tf.train.adam(lr)`. */
  optimizer?: (lr: number) => tf.Optimizer;
  /** Loss. Defaults to the model's compiled loss, else `'categoricalCrossentropy'`. */
  loss?: tfl.ModelCompileArgs['loss'];
  /** Metrics. Defaults to the model's compiled metrics, else `['accuracy']`. */
  metrics?: tfl.ModelCompileArgs['metrics'];
  /** Callbacks used in both phases (e.g. early stopping, a progress bar). Defaults to none. */
  callbacks?: FitCallback[];
  /** Batch size (tensor data only). Defaults to 32. */
  batchSize?: number;
  /** Shuffle each epoch (tensor data only). Defaults to `true`. */
  shuffle?: boolean;
  /** tfjs fit verbosity. Defaults to 0. */
  verbose?: 0 | 1;
}

/** What {@link fineTune} returns. */
export interface FineTuneResult {
  /** History of phase 1 (head only). */
  warmup: tfl.History;
  /** History of phase 2 (head plus the unfrozen layers). */
  fineTune: tfl.History;
  /** Names of the layers with weights frozen during the warm-up. */
  frozenDuringWarmup: string[];
  /** Names of the layers with weights that trained in phase 2. */
  trainedInPhase2: string[];
}

const FINE_TUNE_OPTIONS = optionNames<FineTuneArgs>({
  warmup: true,
  unfreeze: true,
  head: true,
  optimizer: true,
  loss: true,
  metrics: true,
  callbacks: true,
  batchSize: true,
  shuffle: true,
  verbose: true,
});

function phase(p: Partial<FineTunePhase> | undefined, defaults: FineTunePhase, name: string): FineTunePhase {
  checkOptions('fineTune', p, ['epochs', 'lr', 'layers', 'callbacks'], name);
  const out = { ...defaults, ...p };
  if (!Number.isInteger(out.epochs) || out.epochs < 0) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `fineTune: ${name}.epochs must be an integer >= 0, got ${out.epochs}.`,
    );
  }
  if (!(typeof out.lr === 'number' && out.lr > 0 && Number.isFinite(out.lr))) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `fineTune: ${name}.lr must be a positive number, got ${out.lr}.`,
    );
  }
  return out;
}

/**
 * The two-phase fine-tuning recipe. Phase 1 freezes everything except the head and trains it with a small
 * learning rate so the new, random head stops sending large gradients into the pretrained layers. Phase 2
 * unfreezes the chosen layers and trains on with a fresh optimizer. The model is compiled for each phase
 * (tfjs fixes the trainable weights at compile time), and after the call it stays compiled for phase 2 and
 * owns that optimizer.
 *
 * @example
 * const model = attachHead(featureExtractor(base), { classes: 5, hidden: 64 });
 * const { warmup, fineTune: phase2 } = await fineTune(model, { x, y, validationSplit: 0.2 }, {
 *   warmup: { epochs: 5, lr: 1e-3 },
 *   unfreeze: { layers: /^conv2/, epochs: 5, lr: 1e-4 },
 * });
 */
export async function fineTune(
  model: tfl.LayersModel,
  data: FineTuneData,
  args: FineTuneArgs = {},
): Promise<FineTuneResult> {
  checkOptions('fineTune', args, FINE_TUNE_OPTIONS);
  const warm = phase(args.warmup, { epochs: 5, lr: 1e-3 }, 'warmup');
  const second = phase(args.unfreeze, { epochs: 5, lr: warm.lr / 10 }, 'unfreeze');
  const unfreezeWhich = args.unfreeze?.layers ?? 'all';
  const headWhich: LayerSelector | undefined = args.head ?? headLayersOf(model)?.map((l) => l.name);
  if (headWhich === undefined) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `fineTune: cannot tell which layers of '${model.name}' are the new head. Build the model with attachHead(), or pass { head: <names, RegExp, count or predicate> }.`,
    );
  }
  const head = new Set(selectLayers(model, headWhich, 'fineTune'));
  selectLayers(model, unfreezeWhich, 'fineTune'); // validates names before any training
  if (data === null || typeof data !== 'object' || (!('x' in data) && !('dataset' in data))) {
    throw new BetterDLError('INVALID_ARGUMENT', 'fineTune: data must be { x, y, ... } or { dataset, ... }.');
  }
  const makeOptimizer = args.optimizer ?? ((lr: number) => tf.train.adam(lr));
  const loss = args.loss ?? (model.optimizer != null ? model.loss : 'categoricalCrossentropy');
  const metrics = args.metrics ?? (model.optimizer != null ? model.metrics : ['accuracy']);

  const fit = async (p: FineTunePhase): Promise<tfl.History> => {
    const callbacks = toCallbacks([...(args.callbacks ?? []), ...(p.callbacks ?? [])]);
    if ('dataset' in data) {
      return model.fitDataset(data.dataset as Parameters<tfl.LayersModel['fitDataset']>[0], {
        epochs: p.epochs,
        validationData: data.validationData as never,
        callbacks,
        verbose: args.verbose ?? 0,
      });
    }
    return model.fit(data.x, data.y, {
      epochs: p.epochs,
      batchSize: args.batchSize ?? 32,
      shuffle: args.shuffle ?? true,
      validationData: data.validationData,
      validationSplit: data.validationSplit,
      callbacks,
      verbose: args.verbose ?? 0,
    });
  };

  // An optimizer the model owned (compiled from a string) would be orphaned by the recompiles below.
  const orphan = ownsOptimizer(model) ? model.optimizer : null;
  // Phase 1: only the head trains.
  freeze(model, 'all');
  unfreeze(model, (l) => head.has(l));
  const frozenDuringWarmup = leafLayers(model)
    .map((e) => e.layer)
    .filter((l) => !head.has(l) && l.weights.length > 0)
    .map((l) => l.name);
  const opt1 = makeOptimizer(warm.lr);
  model.compile({ optimizer: opt1, loss, metrics });
  orphan?.dispose();
  let warmup: tfl.History;
  try {
    warmup = await fit(warm);
  } finally {
    opt1.dispose();
  }
  // Phase 2: the head plus the chosen layers.
  const opened = unfreeze(model, unfreezeWhich);
  const opt2 = makeOptimizer(second.lr);
  model.compile({ optimizer: opt2, loss, metrics });
  giveOptimizerToModel(model);
  const fineTuneHistory = await fit(second);
  return { warmup, fineTune: fineTuneHistory, frozenDuringWarmup, trainedInPhase2: opened.trainable };
}
