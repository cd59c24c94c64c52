import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Turns `file://…` (absolute or relative, as tfjs-node accepts) or a plain path into a file-system path. */
export function toFsPath(pathOrUrl: string): string {
  if (!pathOrUrl.startsWith('file://')) return resolve(pathOrUrl);
  const rest = pathOrUrl.slice('file://'.length);
  return rest.startsWith('/') ? fileURLToPath(`file://${rest}`) : resolve(rest);
}

/** Where the previous good copy lives while a new one is moved into place. */
export function previousPath(dir: string): string {
  return `${dir}.previous`;
}

let tmpCounter = 0;

/**
 * Writes `files` into directory `dir` atomically: everything goes to a temporary directory beside it, which is
 * then renamed into place. The old directory is first moved to `<dir>.previous` and removed after the swap,
 * so at every instant either the old or the new complete checkpoint exists.
 */
export async function writeDirAtomic(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  // Never Math.random here: a seeded run's generator must not be disturbed by saving.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now().toString(36)}-${(tmpCounter++).toString(36)}`;
  const prev = previousPath(dir);
  try {
    await mkdir(tmp, { recursive: true });
    for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), data);
    await rm(prev, { recursive: true, force: true });
    if (existsSync(dir)) await rename(dir, prev);
    await rename(tmp, dir);
    await rm(prev, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw new BetterDLError(
      'IO_ERROR',
      `Cannot write ${dir}: ${(err as Error).message}. Check that the directory can be created and is writable.`,
      { cause: err },
    );
  }
}

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

function joinWeightData(data: tf.io.WeightData): Uint8Array {
  const buf = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return new Uint8Array(buf);
}

/**
 * A tfjs IO handler for a directory on disk, without tfjs-node. `save` writes `model.json` and `weights.bin`
 * (the layout of tfjs-node's `file://` handler, so `tf.loadLayersModel('file://…/model.json')` reads it) into
 * `dir` atomically; `load` reads them back (from `<dir>.previous` if a crash interrupted a swap).
 */
export function fileSystemHandler(pathOrUrl: string): tf.io.IOHandler {
  const target = toFsPath(pathOrUrl);
  const dir = target.endsWith('.json') ? dirname(target) : target;
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new BetterDLError(
          'UNSUPPORTED',
          'fileSystemHandler: binary model topologies are not supported.',
        );
      }
      const weights = artifacts.weightData ? joinWeightData(artifacts.weightData) : new Uint8Array(0);
      const modelJson: Record<string, unknown> = {
        ...(artifacts.modelTopology ? { modelTopology: artifacts.modelTopology } : {}),
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeDirAtomic(dir, { 'model.json': JSON.stringify(modelJson), 'weights.bin': weights });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: artifacts.modelTopology ? JSON.stringify(artifacts.modelTopology).length : 0,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let from = dir;
      if (!existsSync(join(dir, 'model.json')) && existsSync(join(previousPath(dir), 'model.json'))) {
        from = previousPath(dir);
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(join(from, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new BetterDLError(
          'IO_ERROR',
          `Cannot read a checkpoint at ${join(dir, 'model.json')}: ${(err as Error).message}. ` +
            'Pass the directory a modelCheckpoint wrote (or its model.json).',
          { cause: err },
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const chunks: Uint8Array[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const p of group.paths) chunks.push(new Uint8Array(await readFile(join(from, p))));
      }
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      const weightData = new Uint8Array(total);
      let off = 0;
      for (const c of chunks) {
        weightData.set(c, off);
        off += c.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        trainingConfig: json.trainingConfig,
        userDefinedMetadata: json.userDefinedMetadata,
      };
    },
  };
}

/**
 * Loads a model saved by the node `modelCheckpoint` (or tfjs-node's `model.save('file://…')`). Pass the
 * directory, its `model.json`, a `file://` URL, or a plain path. The model comes back uncompiled (tfjs saves no
 * training config by default): call `model.compile(...)` before `evaluate` or `fit`. A weights-only checkpoint
 * (`saveWeightsOnly: true`) holds no model: build the model and use {@link loadWeights}.
 */
export async function loadCheckpoint(pathOrUrl: string): Promise<tfl.LayersModel> {
  const artifacts = await (fileSystemHandler(pathOrUrl).load as () => Promise<tf.io.ModelArtifacts>)();
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
  const artifacts = await fileSystemHandler(pathOrUrl).load?.();
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
