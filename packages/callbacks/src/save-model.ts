import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Where a checkpoint goes: a tfjs IO URL (`indexeddb://…`, `localstorage://…`, `downloads://…`) or a handler. */
export type SaveTarget = string | tf.io.IOHandler;

/** The IO handler tfjs registers for `url`, or a clear error naming the fix. */
export function saveHandlerFor(url: string): tf.io.IOHandler {
  const handlers = tf.io.getSaveHandlers(url);
  if (handlers.length === 0) {
    throw new BetterDLError(
      'UNSUPPORTED',
      `No tfjs save handler for '${url}'. In the browser use indexeddb://, localstorage:// or downloads://; ` +
        "in Node import from '@betterdl/callbacks/node', which handles file:// and plain paths.",
    );
  }
  return handlers[0] as tf.io.IOHandler;
}

/**
 * Saves `model` (topology + weights, as `model.save` does) or, with `weightsOnly`, just its weights (a
 * weights manifest without topology; load them back with `loadWeights` from the node entry or
 * `model.loadWeights`).
 */
export async function saveModel(
  model: tfl.LayersModel,
  target: SaveTarget,
  weightsOnly: boolean,
): Promise<void> {
  const handler = typeof target === 'string' ? saveHandlerFor(target) : target;
  if (!weightsOnly) {
    await model.save(handler);
    return;
  }
  if (typeof handler.save !== 'function') {
    throw new BetterDLError(
      'UNSUPPORTED',
      'The checkpoint target cannot save (its IO handler has no save()).',
    );
  }
  const named = model.weights.map((w) => ({ name: w.originalName, tensor: w.read() }));
  const { data, specs } = await tf.io.encodeWeights(named);
  await handler.save({
    weightSpecs: specs,
    weightData: data,
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers (weights only, @betterdl/callbacks)`,
    convertedBy: null,
  });
}
