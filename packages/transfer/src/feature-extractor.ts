import { BetterDLError, checkOptions } from '@betterdl/runtime';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerSharingModel } from './compile-state';
import type { Layer } from './select-layers';
import { nodeIndexIn } from './tfjs-internals';

/** Options of {@link featureExtractor}. */
export interface FeatureExtractorArgs {
  /**
   * The last layer kept: its name, or its index in `model.layers` (negative counts from the end, so `-2` is
   * the layer before the last). Defaults to the layer just before the trailing run of `Dense`, `Dropout` and
   * `Activation` layers, i.e. the network without its fully connected head (Keras's `include_top=False`);
   * for a network made only of such layers (an MLP), the last `Dense` layer before the output one.
   */
  upTo?: string | number;
  /**
   * How to turn a feature map of rank > 2 into one vector per sample: `'none'` keeps it as it is,
   * `'flatten'` concatenates it, `'avg'` / `'max'` pool over the spatial axes (channels-last). Only affects
   * outputs of rank > 2. Defaults to `'none'`.
   */
  pooling?: 'none' | 'flatten' | 'avg' | 'max';
  /** Name of the new model. Defaults to `<model name>_features`. */
  name?: string;
}

const HEAD_CLASSES = new Set([
  'Dense',
  'Dropout',
  'Activation',
  'Softmax',
  'AlphaDropout',
  'GaussianDropout',
]);

function defaultCut(model: tfl.LayersModel): number {
  const n = model.layers.length;
  const cls = (i: number) => (model.layers[i] as Layer).getClassName();
  let i = n - 1;
  while (i >= 0 && HEAD_CLASSES.has(cls(i))) i--;
  if (i < 0 && n > 1) {
    // An all-Dense network (an MLP): its head is the last Dense layer and any Dropout/Activation before it.
    i = n - 2;
    while (i >= 0 && cls(i) !== 'Dense') i--;
  }
  if (i < 0 || i === n - 1) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `featureExtractor: model '${model.name}' has no fully connected head to cut off (its last layer is ${model.layers.at(-1)?.getClassName() ?? 'missing'}). Pass { upTo: <layer name or index> }.`,
    );
  }
  return i;
}

function findLayer(model: tfl.LayersModel, upTo: string | number | undefined): Layer {
  if (upTo === undefined) return model.layers[defaultCut(model)] as Layer;
  if (typeof upTo === 'number') {
    const n = model.layers.length;
    const i = upTo < 0 ? n + upTo : upTo;
    if (!Number.isInteger(upTo) || i < 0 || i >= n) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `featureExtractor: upTo index ${upTo} is outside model.layers (${n} layers: valid indices are ${-n}..${n - 1}).`,
      );
    }
    return model.layers[i] as Layer;
  }
  if (typeof upTo === 'string') {
    const hit = model.layers.find((l) => l.name === upTo);
    if (!hit) {
      throw new BetterDLError(
        'INVALID_ARGUMENT',
        `featureExtractor: no top-level layer named '${upTo}' in model '${model.name}'. Its layers are: ${model.layers.map((l) => l.name).join(', ')}.`,
      );
    }
    return hit;
  }
  throw new BetterDLError(
    'INVALID_ARGUMENT',
    `featureExtractor: upTo must be a layer name or an index, got ${String(upTo)}.`,
  );
}

function outputOf(model: tfl.LayersModel, layer: Layer): tfl.SymbolicTensor {
  try {
    // A layer used in several models (a nested base) has one node per use: take the one of this model.
    const index = nodeIndexIn(model, layer);
    const out = index >= 0 ? layer.getOutputAt(index) : layer.output;
    if (Array.isArray(out)) {
      throw new Error(`it has ${out.length} outputs`);
    }
    return out;
  } catch (err) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `featureExtractor: cannot cut at layer '${layer.name}': ${(err as Error).message}. Cut at a layer with exactly one output that is used once in the model.`,
      { cause: err },
    );
  }
}

/**
 * A model that runs `model` from its inputs up to (and including) one layer, sharing its layers and weights
 * (no copy is made: training either one changes both). Use it to compute features with a pretrained base,
 * or as the body of a new network.
 *
 * @example
 * const body = featureExtractor(base);                       // everything before the Dense head
 * const mid = featureExtractor(base, { upTo: 'conv2', pooling: 'avg' });
 */
export function featureExtractor(model: tfl.LayersModel, args: FeatureExtractorArgs = {}): tfl.LayersModel {
  checkOptions('featureExtractor', args, ['upTo', 'pooling', 'name']);
  const pooling = args.pooling ?? 'none';
  if (!['none', 'flatten', 'avg', 'max'].includes(pooling)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `featureExtractor: pooling must be 'none', 'flatten', 'avg' or 'max', got ${String(pooling)}.`,
    );
  }
  const layer = findLayer(model, args.upTo);
  let out = outputOf(model, layer);
  const prefix = args.name ?? `${model.name}_features`;
  if (out.shape.length > 2 && pooling !== 'none') {
    const pool =
      pooling === 'flatten'
        ? tfl.layers.flatten({ name: `${prefix}_flatten` })
        : out.shape.length === 4
          ? pooling === 'avg'
            ? tfl.layers.globalAveragePooling2d({ name: `${prefix}_avgpool` })
            : tfl.layers.globalMaxPooling2d({ name: `${prefix}_maxpool` })
          : pooling === 'avg'
            ? tfl.layers.globalAveragePooling1d({ name: `${prefix}_avgpool` })
            : tfl.layers.globalMaxPooling1d({ name: `${prefix}_maxpool` });
    if (out.shape.length > 4 && pooling !== 'flatten') {
      throw new BetterDLError(
        'UNSUPPORTED',
        `featureExtractor: '${pooling}' pooling supports feature maps of rank 3 or 4, got shape [${out.shape.join(', ')}]. Use pooling: 'flatten'.`,
      );
    }
    out = pool.apply(out) as tfl.SymbolicTensor;
  }
  const extractor = tfl.model({ inputs: model.inputs, outputs: out, name: prefix });
  registerSharingModel(extractor);
  registerSharingModel(model);
  return extractor;
}
