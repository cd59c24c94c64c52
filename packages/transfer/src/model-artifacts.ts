import { BetterDLError } from '@betterdl/runtime';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Reads one weights shard named in `model.json` (a path relative to it); throws with a clear message when absent. */
export type ShardReader = (path: string) => Promise<ArrayBuffer>;

const BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  string: 0,
};

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const per = BYTES[s.quantization?.dtype ?? s.dtype];
    if (!per) return null; // strings have variable length: the size cannot be checked ahead
    total += size * per;
  }
  return total;
}

/**
 * Checks a parsed `model.json`, reads its weights shards and returns the artifacts of a tfjs Layers model, or
 * throws an `INVALID_DATA` / `IO_ERROR` BetterDLError that says what is wrong: not a model.json, a graph
 * model, a missing or truncated weights shard.
 */
export async function readLayersArtifacts(
  json: unknown,
  source: string,
  readShard: ShardReader,
): Promise<tf.io.ModelArtifacts> {
  const mj = json as Partial<tf.io.ModelJSON> & { format?: string };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${source} is not a tfjs model.json (expected a JSON object with modelTopology and weightsManifest).`,
    );
  }
  const topo = checkLayersArtifacts(mj, source);
  if (!Array.isArray(mj.weightsManifest)) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${source} has no weightsManifest, so its weights cannot be found. Re-save the model with model.save().`,
    );
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of mj.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) buffers.push(await readShard(path));
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const expected = expectedBytes(specs);
  if (expected !== null && expected !== total) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: the weights shards of ${source} hold ${total} bytes but model.json describes ${expected}: a shard is truncated, corrupt or from another model. Copy the model directory again.`,
    );
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return {
    modelTopology: topo,
    format: mj.format,
    generatedBy: mj.generatedBy,
    convertedBy: mj.convertedBy,
    trainingConfig: mj.trainingConfig,
    userDefinedMetadata: mj.userDefinedMetadata,
    weightSpecs: specs,
    weightData: weightData.buffer,
  };
}

/**
 * Throws an `INVALID_DATA` BetterDLError unless `artifacts` (a parsed model.json or loaded artifacts) describe
 * a tfjs Layers model; returns its topology.
 */
export function checkLayersArtifacts(
  mj: { modelTopology?: unknown; format?: string },
  source: string,
): Record<string, unknown> {
  const topo = mj.modelTopology as Record<string, unknown> | undefined;
  if (mj.format === 'graph-model' || (topo && Array.isArray(topo.node))) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${source} is a tfjs graph model (a frozen TensorFlow graph), not a Layers model: it has no layers to freeze or fine-tune. Load it with tf.loadGraphModel() for inference, or convert the original Keras model with tensorflowjs_converter --input_format keras (or --output_format tfjs_layers_model).`,
    );
  }
  if (!topo || typeof topo !== 'object' || !('class_name' in topo || 'model_config' in topo)) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${source} is not a tfjs Layers model.json: ${topo ? 'modelTopology has no class_name/model_config' : 'it has no modelTopology'}${mj.format ? ` (format '${mj.format}')` : ''}. Save the model with model.save() or convert a Keras model with tensorflowjs_converter --input_format keras.`,
    );
  }
  return topo;
}

/** Builds the model from checked artifacts, turning tfjs's deserialisation errors into clear ones. */
export async function modelFromArtifacts(
  artifacts: tf.io.ModelArtifacts,
  source: string,
): Promise<tfl.LayersModel> {
  try {
    return await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw wrapLoadError(err, source);
  }
}

/** Turns an error thrown by `tf.loadLayersModel` into a BetterDLError that names the cause and a fix. */
export function wrapLoadError(err: unknown, source: string): BetterDLError {
  const msg = (err as Error)?.message ?? String(err);
  const unknownClass = /Unknown (layer|constraint|initializer|regularizer|activation)[^:]*: (\S+)/i.exec(msg);
  if (unknownClass) {
    return new BetterDLError(
      'UNSUPPORTED',
      `loadPretrained: ${source} uses ${unknownClass[1]} '${unknownClass[2]}', which tfjs-layers does not know. Register the custom class with tf.serialization.registerClass() before loading. (${msg})`,
      { cause: err },
    );
  }
  return new BetterDLError('IO_ERROR', `loadPretrained: cannot load ${source}: ${msg}`, { cause: err });
}
