/**
 * Every place where `@betterdl/transfer` relies on tfjs-layers / tfjs-core internals, each with the check
 * that proves the assumption still holds. The checks run once, at the first use of any accessor here, and
 * fail with a `BetterDLError` naming the installed tfjs version instead of fine-tuning the wrong weights.
 * betterdl supports tfjs ~4.22.0 (the peer range): these are the assumptions a new tfjs may break.
 */
import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** The tfjs versions these assumptions are verified against (the packages' peer range). */
export const SUPPORTED_TFJS = '~4.22.0';

/** The training state tfjs keeps on a model (a Sequential delegates to an inner functional model). */
interface ModelFields {
  model?: ModelFields;
  collectedTrainableWeights?: tfl.LayerVariable[] | null;
  isOptimizerOwned?: boolean;
  trainableWeights: tfl.LayerVariable[];
  optimizer?: unknown;
}

/** A per-weight optimizer slot as tfjs keeps it: `{ originalName: '<weight name>/<slot>', variable }`. */
export interface SlotEntry {
  originalName: string;
  variable: tf.Variable;
}

/** The error for a broken assumption: what betterdl relies on, the installed version, the fix. */
export function tfjsAssumptionError(assumption: string, version = tfl.version_layers): BetterDLError {
  return new BetterDLError(
    'UNSUPPORTED',
    `@betterdl/transfer relies on ${assumption}, which @tensorflow/tfjs-layers ${version} no longer provides. ` +
      `betterdl supports tfjs ${SUPPORTED_TFJS}: install @tensorflow/tfjs-core@${SUPPORTED_TFJS} and ` +
      `@tensorflow/tfjs-layers@${SUPPORTED_TFJS}, or a betterdl release that supports ${version}.`,
  );
}

function fields(model: tfl.LayersModel): ModelFields {
  return model as unknown as ModelFields;
}

/** The model whose `fit` does the work: a Sequential delegates to an inner functional model. */
function engine(model: tfl.LayersModel): ModelFields {
  const m = fields(model);
  return m.model && typeof m.model === 'object' && 'trainableWeights' in m.model ? m.model : m;
}

function isSlotArray(v: unknown): v is Array<SlotEntry | undefined> {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((e) => e == null || (typeof e === 'object' && 'originalName' in e && 'variable' in e))
  );
}

/** Runs every check against the installed tfjs; throws the first broken assumption. Exported for tests. */
export function checkTfjsInternals(layers: typeof tfl = tfl): void {
  const version = layers.version_layers;
  const fail: (what: string) => never = (what) => {
    throw tfjsAssumptionError(what, version);
  };
  const seq = layers.sequential({ layers: [layers.layers.dense({ inputShape: [2], units: 2 })] });
  try {
    seq.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const e = engine(seq);
    if (e === fields(seq)) fail('a Sequential training through its inner functional model (its model field)');
    if (!Array.isArray(e.collectedTrainableWeights) || e.collectedTrainableWeights.length !== 2)
      fail('compile() fixing the trained weights in collectedTrainableWeights');
    if (e.isOptimizerOwned !== true)
      fail("isOptimizerOwned marking an optimizer compiled from a name ('adam')");
    tf.tidy(() => {
      seq.optimizer.minimize(() => tf.sum(seq.predict(tf.ones([1, 2])) as tf.Tensor) as tf.Scalar);
    });
    const slots = Object.values(seq.optimizer as unknown as Record<string, unknown>).filter(isSlotArray);
    const first = slots[0]?.[0];
    if (!first || !/^.+\/\w+$/.test(first.originalName) || !(first.variable instanceof tf.Variable))
      fail("optimizers keeping per-weight slots as arrays of { originalName: '<weight>/<slot>', variable }");
  } finally {
    seq.dispose();
  }
  // A nested model used a second time: its use inside `outer` is inbound node 1, keyed '<name>_ib-1'.
  const inner = layers.sequential({ layers: [layers.layers.dense({ inputShape: [2], units: 2 })] });
  const input = layers.input({ shape: [2] });
  const outer = layers.model({ inputs: input, outputs: inner.apply(input) as tfl.SymbolicTensor });
  try {
    const uses = (inner as unknown as { inboundNodes?: unknown[] }).inboundNodes;
    const keys = (outer as unknown as { containerNodes?: Set<string> }).containerNodes;
    if (!Array.isArray(uses) || uses.length !== 2 || !(keys instanceof Set))
      fail('layers listing their uses in inboundNodes and models theirs in containerNodes');
    if (!keys.has(containerNodeKey(inner.name, 1)))
      fail("containerNodes keys of the form '<layer>_ib-<index>'");
  } finally {
    outer.dispose();
  }
}

const CHECKED = Symbol.for('betterdl.transfer.tfjs-internals-checked');
function ensureChecked(): void {
  const g = globalThis as unknown as Record<symbol, string | undefined>;
  if (g[CHECKED] === tfl.version_layers) return;
  checkTfjsInternals();
  g[CHECKED] = tfl.version_layers;
}

/** The key a model's `containerNodes` uses for the `index`-th use of layer `name`. */
export function containerNodeKey(name: string, index: number): string {
  return `${name}_ib-${index}`;
}

/** The weights `compile()` fixed as the ones to train, or `null`/`undefined` before compiling. */
export function collectedTrainableWeights(model: tfl.LayersModel): tfl.LayerVariable[] | null | undefined {
  ensureChecked();
  return engine(model).collectedTrainableWeights;
}

/** True when the model disposes its optimizer with itself (it was compiled from an optimizer name). */
export function isOptimizerOwned(model: tfl.LayersModel): boolean {
  ensureChecked();
  return engine(model).isOptimizerOwned === true;
}

/** Sets whether the model disposes its optimizer with itself (on the model and its inner engine). */
export function setOptimizerOwned(model: tfl.LayersModel, owned: boolean): void {
  ensureChecked();
  engine(model).isOptimizerOwned = owned;
  fields(model).isOptimizerOwned = owned;
}

/** The optimizer's per-weight slot arrays by field name (Adam's moments, momentum's accumulations, ...). */
export function optimizerSlotArrays(optimizer: object): Array<[string, Array<SlotEntry | undefined>]> {
  ensureChecked();
  const o = optimizer as Record<string, unknown>;
  return Object.keys(o).flatMap((k) => {
    const v = o[k];
    return isSlotArray(v) ? [[k, v] as [string, Array<SlotEntry | undefined>]] : [];
  });
}

/** Replaces one of those arrays. */
export function setOptimizerSlotArray(optimizer: object, key: string, slots: SlotEntry[]): void {
  ensureChecked();
  (optimizer as Record<string, unknown>)[key] = slots;
}

/** Adagrad's initial accumulator value (what a new slot starts at). */
export function adagradInitialAccumulator(optimizer: object): number {
  ensureChecked();
  return (optimizer as { initialAccumulatorValue: number }).initialAccumulatorValue;
}

/** Which use of `layer` (index into its inbound nodes) belongs to `model`, or -1 when it is used once. */
export function nodeIndexIn(model: tfl.LayersModel, layer: tfl.layers.Layer): number {
  ensureChecked();
  const nodes = (layer as unknown as { inboundNodes: unknown[] }).inboundNodes;
  const own = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  return nodes.length > 1 && own ? nodes.findIndex((_, i) => own.has(containerNodeKey(layer.name, i))) : -1;
}
