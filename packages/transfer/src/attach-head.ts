import { BetterDLError, checkArgument, checkInteger, checkOptions, optionNames } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerSharingModel } from './compile-state';
import type { Layer } from './select-layers';

/** Options of {@link attachHead}. */
export interface AttachHeadArgs {
  /** Number of classes of the new task (units of the output layer). */
  classes: number;
  /** Units of the hidden Dense layers between the base and the output, in order. `[]` for none. Defaults to `[256]`. */
  hidden?: number | number[];
  /** Dropout rate after each hidden layer (0 for none). Defaults to `0.5`. */
  dropout?: number;
  /** Activation of the hidden layers. Defaults to `'relu'`. */
  activation?: 'relu' | 'elu' | 'selu' | 'tanh' | 'sigmoid' | 'linear' | 'relu6' | 'swish' | 'gelu';
  /** Activation of the output layer. Defaults to `'softmax'` (`'sigmoid'` when `classes` is 1). */
  outputActivation?: 'softmax' | 'sigmoid' | 'linear';
  /** Prefix of the new layers' names. Defaults to `'head'` (layers `head_dense_1`, `head_dropout_1`, `head_output`). */
  namePrefix?: string;
  /** Name of the new model. Defaults to `<base name>_with_head`. */
  name?: string;
}

const HEADS = Symbol.for('betterdl.transfer.heads');

/**
 * Which layers of a model are its new head. Kept under a `Symbol.for` key on `globalThis` so that every copy
 * of this package in a process (the ESM and the CommonJS build, main and `/node` entries) shares one registry.
 */
function heads(): WeakMap<tfl.LayersModel, Layer[]> {
  const g = globalThis as unknown as Record<symbol, WeakMap<tfl.LayersModel, Layer[]> | undefined>;
  let registry = g[HEADS];
  if (!registry) {
    registry = new WeakMap();
    g[HEADS] = registry;
  }
  return registry;
}

/** The layers {@link attachHead} added to `model`, or `undefined` if `model` did not come from it. */
export function headLayersOf(model: tfl.LayersModel): Layer[] | undefined {
  return heads().get(model);
}

const ATTACH_HEAD_OPTIONS = optionNames<AttachHeadArgs>({
  classes: true,
  hidden: true,
  dropout: true,
  activation: true,
  outputActivation: true,
  namePrefix: true,
  name: true,
});

/**
 * Puts a new, randomly initialised fully connected head on `base` (the "FCHeadNet" of the lesson): flatten
 * if needed, then `Dense(hidden[i], activation)` + `Dropout(dropout)` per hidden size, then
 * `Dense(classes, softmax)`. The returned model shares the base's layers and weights; pass a base without
 * its old head (see {@link featureExtractor}). {@link fineTune} knows which layers are the head.
 *
 * @example
 * const model = attachHead(featureExtractor(pretrained), { classes: 5, hidden: 64, dropout: 0.3 });
 */
export function attachHead(base: tfl.LayersModel, args: AttachHeadArgs): tfl.LayersModel {
  checkArgument(args != null, 'attachHead', 'pass the options, e.g. attachHead(base, { classes: 5 }).');
  checkOptions('attachHead', args, ATTACH_HEAD_OPTIONS);
  checkInteger('attachHead', 'classes', args.classes, { min: 1 }, '(The number of classes of the new task.)');
  const hidden =
    args.hidden === undefined ? [256] : typeof args.hidden === 'number' ? [args.hidden] : args.hidden;
  if (!Array.isArray(hidden) || !hidden.every((h) => Number.isInteger(h) && h >= 1)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `attachHead: hidden must be a positive integer or an array of them, got ${JSON.stringify(args.hidden)}.`,
    );
  }
  const dropout = args.dropout ?? 0.5;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `attachHead: dropout must be in [0, 1), got ${String(dropout)}.`,
    );
  }
  if (base.outputs.length !== 1) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `attachHead: the base must have exactly one output, got ${base.outputs.length}. Cut it with featureExtractor(base, { upTo }).`,
    );
  }
  const prefix = args.namePrefix ?? 'head';
  const outAct = args.outputActivation ?? (args.classes === 1 ? 'sigmoid' : 'softmax');
  const added: Layer[] = [];
  const use = (layer: Layer, x: tfl.SymbolicTensor) => {
    added.push(layer);
    return layer.apply(x) as tfl.SymbolicTensor;
  };
  let x = base.outputs[0] as tfl.SymbolicTensor;
  if (x.shape.length > 2) x = use(tfl.layers.flatten({ name: `${prefix}_flatten` }), x);
  hidden.forEach((units, i) => {
    x = use(
      tfl.layers.dense({ units, activation: args.activation ?? 'relu', name: `${prefix}_dense_${i + 1}` }),
      x,
    );
    if (dropout > 0) x = use(tfl.layers.dropout({ rate: dropout, name: `${prefix}_dropout_${i + 1}` }), x);
  });
  x = use(tfl.layers.dense({ units: args.classes, activation: outAct, name: `${prefix}_output` }), x);
  const model = tfl.model({ inputs: base.inputs, outputs: x, name: args.name ?? `${base.name}_with_head` });
  heads().set(model, added);
  registerSharingModel(model);
  registerSharingModel(base);
  return model;
}
