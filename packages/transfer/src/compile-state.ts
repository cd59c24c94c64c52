import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  adagradInitialAccumulator,
  collectedTrainableWeights,
  isOptimizerOwned,
  optimizerSlotArrays,
  type SlotEntry,
  setOptimizerOwned,
  setOptimizerSlotArray,
} from './tfjs-internals';

/** True when `model.compile()` has been called. */
export function isCompiled(model: tfl.LayersModel): boolean {
  return (model as { optimizer?: unknown }).optimizer != null;
}

/**
 * True when the model was compiled with a different set of trainable weights than it has now. tfjs fixes
 * the list of weights it trains at `compile()`, so a layer unfrozen after compiling would silently stay
 * frozen.
 */
export function isTrainableStale(model: tfl.LayersModel): boolean {
  if (!isCompiled(model)) return false;
  const collected = collectedTrainableWeights(model);
  if (collected == null) return false;
  const now = model.trainableWeights;
  if (now.length !== collected.length) return true;
  const ids = new Set(collected.map((w) => w.id));
  return now.some((w) => !ids.has(w.id));
}

/**
 * tfjs optimizers keep their per-weight state (Adam's moments, momentum, ...) in arrays indexed by the
 * position of the weight in the list being trained, not by the weight. When that list changes, the state
 * must move with its weight, or it is applied to the wrong one (or fails to broadcast). Re-index it by the
 * weight's name; state of weights that no longer train is disposed. A weight that has no state yet (it was
 * frozen) gets the initial state tfjs would create at its next step: tfjs's `dispose()` and `getWeights()`
 * fail on an empty slot, so one left empty broke `model.dispose()` and saving right after an unfreeze.
 */
function reindexOptimizerState(optimizer: object, variables: tf.Variable[]): void {
  const adagrad = (optimizer as { getClassName?(): string }).getClassName?.() === 'Adagrad';
  for (const [key, arr] of optimizerSlotArrays(optimizer)) {
    const byVariable = new Map<string, SlotEntry>();
    let suffix: string | undefined;
    for (const e of arr) {
      if (!e) continue;
      const cut = e.originalName.lastIndexOf('/');
      byVariable.set(e.originalName.slice(0, cut), e);
      if (!e.variable.isDisposed) suffix = e.originalName.slice(cut + 1);
    }
    const keep = new Set(variables.map((v) => v.name));
    for (const [name, e] of byVariable) if (!keep.has(name)) e.variable.dispose();
    // No live state: the optimizer never stepped or was disposed; tfjs creates state lazily from [].
    if (suffix === undefined) {
      setOptimizerSlotArray(optimizer, key, []);
      continue;
    }
    const initial = adagrad && key === 'accumulatedGrads' ? adagradInitialAccumulator(optimizer) : 0;
    setOptimizerSlotArray(
      optimizer,
      key,
      variables.map(
        (v) =>
          byVariable.get(v.name) ?? {
            originalName: `${v.name}/${suffix}`,
            variable: tf.tidy(() => tf.fill(v.shape, initial, v.dtype).variable(false)),
          },
      ),
    );
  }
}

/**
 * Compiles `model` again with the optimizer (same instance: its state such as Adam's moments is kept and
 * re-indexed to the new list of trainable weights), loss and metrics it was compiled with, and keeps the
 * model's ownership of that optimizer.
 */
export function recompile(model: tfl.LayersModel): void {
  const owned = isOptimizerOwned(model);
  reindexOptimizerState(
    model.optimizer,
    model.trainableWeights.map((w) => w.read() as tf.Variable),
  );
  model.compile({ optimizer: model.optimizer, loss: model.loss, metrics: model.metrics });
  setOptimizerOwned(model, owned);
}

/** True when the model disposes its optimizer with itself (it was compiled from an optimizer name). */
export function ownsOptimizer(model: tfl.LayersModel): boolean {
  return isCompiled(model) && isOptimizerOwned(model);
}

/** Hands ownership of the compiled optimizer to the model, so that `model.dispose()` disposes it. */
export function giveOptimizerToModel(model: tfl.LayersModel): void {
  setOptimizerOwned(model, true);
}

const RELATED = Symbol.for('betterdl.transfer.sharing-models');

/** Models that share layers, kept under a `Symbol.for` key so every copy of this package sees one set. */
function relatedModels(): Set<WeakRef<tfl.LayersModel>> {
  const g = globalThis as unknown as Record<symbol, Set<WeakRef<tfl.LayersModel>> | undefined>;
  let set = g[RELATED];
  if (!set) {
    set = new Set();
    g[RELATED] = set;
  }
  return set;
}

/** Remembers a model that shares layers with others, so that freezing one keeps the others compiled right. */
export function registerSharingModel(model: tfl.LayersModel): void {
  relatedModels().add(new WeakRef(model));
}

/** Recompiles every registered, still-alive, compiled model whose trainable weights went stale. */
export function syncRegisteredModels(except?: tfl.LayersModel): tfl.LayersModel[] {
  const done: tfl.LayersModel[] = [];
  const related = relatedModels();
  for (const ref of related) {
    const m = ref.deref();
    if (m === undefined) {
      related.delete(ref);
      continue;
    }
    if (m === except) continue;
    try {
      if (isTrainableStale(m)) {
        recompile(m);
        done.push(m);
      }
    } catch {
      related.delete(ref); // a disposed model cannot be recompiled and will not train again
    }
  }
  return done;
}
