import { BetterDLError, checkOptions } from '@betterdl/runtime';
import type * as tfl from '@tensorflow/tfjs-layers';
import { isCompiled, isTrainableStale, recompile, syncRegisteredModels } from './compile-state';
import { isContainer, type Layer, type LayerSelector, leafLayers, selectLayers } from './select-layers';

/** Options of {@link freeze} and {@link unfreeze}. */
export interface FreezeOptions {
  /**
   * What to do when the model is already compiled and the change alters which weights train. tfjs only
   * looks at `trainable` when `compile()` runs, so without a recompile an unfrozen layer would silently stay
   * frozen. `'recompile'` compiles again with the same optimizer instance (its state is kept), loss and
   * metrics; `'throw'` refuses with an error and changes nothing. Defaults to `'recompile'`.
   */
  ifCompiled?: 'recompile' | 'throw';
}

/** What {@link freeze} or {@link unfreeze} did. */
export interface FreezeResult {
  /** Names of the layers whose trainability changed. */
  changed: string[];
  /** Names of the layers with weights that train now. */
  trainable: string[];
  /** Names of the layers with weights that are frozen now. */
  frozen: string[];
  /** True when the model (or a model sharing its layers) was compiled again. */
  recompiled: boolean;
}

function effectiveTrainability(model: tfl.LayersModel): Map<Layer, boolean> {
  const out = new Map<Layer, boolean>();
  const visit = (layers: Layer[], parentOn: boolean) => {
    for (const layer of layers) {
      const on = parentOn && layer.trainable;
      if (isContainer(layer)) visit(layer.layers, on);
      else out.set(layer, on);
    }
  };
  visit(model.layers, model.trainable);
  return out;
}

function setAllContainersTrainable(layers: Layer[]): void {
  for (const layer of layers) {
    if (isContainer(layer)) {
      layer.trainable = true;
      setAllContainersTrainable(layer.layers);
    }
  }
}

function applyTrainable(
  model: tfl.LayersModel,
  which: LayerSelector,
  value: boolean,
  options: FreezeOptions,
  caller: string,
): FreezeResult {
  checkOptions(caller, options, ['ifCompiled']);
  const ifCompiled = options.ifCompiled ?? 'recompile';
  if (ifCompiled !== 'recompile' && ifCompiled !== 'throw') {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `${caller}: ifCompiled must be 'recompile' or 'throw', got ${String(ifCompiled)}.`,
    );
  }
  const targets = new Set(selectLayers(model, which, caller));
  const before = effectiveTrainability(model);
  const desired = new Map<Layer, boolean>();
  for (const [layer, on] of before) desired.set(layer, targets.has(layer) ? value : on);
  const changed = [...before.keys()].filter((l) => before.get(l) !== desired.get(l));
  const changesWeights = changed.some((l) => l.weights.length > 0);
  if (changesWeights && ifCompiled === 'throw' && isCompiled(model)) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `${caller}: model '${model.name}' is already compiled, and tfjs ignores trainable changes until it is compiled again, so ${changed.map((l) => l.name).join(', ')} would not ${value ? 'train' : 'freeze'} as asked. Call ${caller} before model.compile(), or pass { ifCompiled: 'recompile' }.`,
    );
  }
  // Flatten the state onto the leaf layers: every enclosing model is switched on, each leaf carries its own flag.
  model.trainable = true;
  setAllContainersTrainable(model.layers);
  for (const [layer, on] of desired) layer.trainable = on;

  let recompiled = false;
  if (isTrainableStale(model)) {
    recompile(model);
    recompiled = true;
  }
  if (syncRegisteredModels(model).length > 0) recompiled = true;
  const leaves = leafLayers(model)
    .map((e) => e.layer)
    .filter((l) => l.weights.length > 0);
  return {
    changed: changed.map((l) => l.name),
    trainable: leaves.filter((l) => desired.get(l)).map((l) => l.name),
    frozen: leaves.filter((l) => !desired.get(l)).map((l) => l.name),
    recompiled,
  };
}

/**
 * Freezes the layers chosen by `which` (see {@link LayerSelector}) so that training leaves their weights
 * unchanged; every other layer keeps its state. Works on nested models. If the model is already compiled it
 * is compiled again (keeping its optimizer, loss and metrics) so the change takes effect; see
 * {@link FreezeOptions.ifCompiled}.
 *
 * @example
 * freeze(model, 'all');             // everything
 * freeze(model, 4);                 // model.layers[0..3]
 * freeze(model, /^conv/);           // every layer whose name starts with "conv"
 */
export function freeze(model: tfl.LayersModel, which: LayerSelector = 'all', options: FreezeOptions = {}) {
  return applyTrainable(model, which, false, options, 'freeze');
}

/**
 * Makes the layers chosen by `which` (see {@link LayerSelector}) trainable again; every other layer keeps
 * its state. If the model is already compiled it is compiled again (keeping its optimizer, loss and
 * metrics), because tfjs would otherwise keep training only the weights it saw at `compile()`.
 *
 * @example
 * unfreeze(model, -3);              // the last three entries of model.layers
 * unfreeze(model, ['conv2', 'dense1']);
 */
export function unfreeze(model: tfl.LayersModel, which: LayerSelector = 'all', options: FreezeOptions = {}) {
  return applyTrainable(model, which, true, options, 'unfreeze');
}

/**
 * Makes a compiled model train exactly the weights that are trainable now: if `trainable` flags were changed
 * by hand after `compile()`, compiles it again keeping its optimizer, loss and metrics. Returns whether it
 * recompiled.
 */
export function syncTrainable(model: tfl.LayersModel): boolean {
  if (!isTrainableStale(model)) return false;
  recompile(model);
  return true;
}

/** Names of the layers with weights, split by whether they train now (nested models included). */
export function trainableState(model: tfl.LayersModel): { trainable: string[]; frozen: string[] } {
  const eff = effectiveTrainability(model);
  const withWeights = [...eff.keys()].filter((l) => l.weights.length > 0);
  return {
    trainable: withWeights.filter((l) => eff.get(l)).map((l) => l.name),
    frozen: withWeights.filter((l) => !eff.get(l)).map((l) => l.name),
  };
}
