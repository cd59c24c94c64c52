import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BetterDLError } from '@betterdl/runtime';
import { fileSystemHandler as nodeHandler } from '@betterdl/runtime/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Throws a clear error now if `dir` (or its first existing ancestor) is not a writable directory. */
export function assertWritable(dir: string, who: string): void {
  let d = resolve(dir);
  while (!existsSync(d)) {
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  let ok = false;
  try {
    ok = statSync(d).isDirectory();
    accessSync(d, constants.W_OK);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: cannot write under ${dir} (${d} is not a writable directory). Choose a writable location or fix its permissions.`,
    );
  }
}

/**
 * A tfjs IO handler for a model directory on disk, without tfjs-node (the one from `@betterdl/runtime/node`).
 * `save` writes `model.json` and a uniquely named weights shard by a crash-safe commit that keeps every other
 * file in the directory; `load` reads any tfjs Layers model directory, checking its shards. With
 * `overwrite: true` a `model.json` written by another program is replaced instead of refused.
 */
export function fileSystemHandler(pathOrUrl: string, args: { overwrite?: boolean } = {}): tf.io.IOHandler {
  return nodeHandler(pathOrUrl, { overwrite: args.overwrite, who: 'fileSystemHandler' });
}

/**
 * Loads a model saved by the node `modelCheckpoint` (or tfjs-node's `model.save('file://…')`). Pass the
 * directory, its `model.json`, a `file://` URL, or a plain path. The model comes back uncompiled (tfjs saves no
 * training config by default): call `model.compile(...)` before `evaluate` or `fit`. A weights-only checkpoint
 * (`saveWeightsOnly: true`) holds no model: build the model and use {@link loadWeights}. Leftovers of killed
 * saves in that directory (data files no manifest names, from processes that are gone) are removed.
 */
export async function loadCheckpoint(pathOrUrl: string): Promise<tfl.LayersModel> {
  const handler = nodeHandler(pathOrUrl, { who: 'loadCheckpoint' });
  const artifacts = await (handler.load as () => Promise<tf.io.ModelArtifacts>)();
  if (!artifacts.modelTopology) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadCheckpoint: ${pathOrUrl} holds weights only (saved with saveWeightsOnly: true), not a model. ` +
        `Build the same model in code, then call loadWeights(model, ${JSON.stringify(pathOrUrl)}).`,
    );
  }
  return tfl.loadLayersModel({ load: async () => artifacts });
}

/**
 * Loads weights saved with `saveWeightsOnly` (or a full checkpoint's weights) into `model`: by weight name, or,
 * when the names differ (the same architecture built again), by order with matching shapes.
 */
export async function loadWeights(model: tfl.LayersModel, pathOrUrl: string): Promise<void> {
  const artifacts = await nodeHandler(pathOrUrl, { who: 'loadWeights' }).load?.();
  if (!artifacts?.weightSpecs || !artifacts.weightData) {
    throw new BetterDLError('IO_ERROR', `No weights in the checkpoint at ${pathOrUrl}.`);
  }
  const named = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const byName = new Map(Object.entries(named));
  const inOrder = artifacts.weightSpecs.map((s) => named[s.name] as tf.Tensor);
  const ws = model.weights;
  let values: tf.Tensor[] | null = null;
  if (ws.every((w) => byName.has(w.originalName)))
    values = ws.map((w) => byName.get(w.originalName) as tf.Tensor);
  else if (inOrder.length === ws.length && ws.every((w, i) => w.shape.join() === inOrder[i]?.shape.join())) {
    // Like Keras's load_weights: same architecture built afresh (other auto-generated names) → by order.
    values = inOrder;
  }
  if (!values) {
    tf.dispose(Object.values(named));
    throw new BetterDLError(
      'SHAPE_MISMATCH',
      `loadWeights: the checkpoint's ${inOrder.length} weights match this model's ${ws.length} neither by name nor by ` +
        'order and shape. Build the same architecture as when saving.',
    );
  }
  model.setWeights(values);
  tf.dispose(Object.values(named));
}
