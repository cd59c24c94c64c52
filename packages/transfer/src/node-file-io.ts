import { BetterDLError, checkBoolean, checkOptions, requireBackend } from '@betterdl/runtime';
import { fileSystemHandler, isFileSource, readModelJson, readWeightShard } from '@betterdl/runtime/node';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type LoadPretrainedArgs,
  loadPretrained as loadPretrainedBrowser,
  type PretrainedSource,
} from './load-pretrained';
import { modelFromArtifacts, readLayersArtifacts } from './model-artifacts';

async function loadFromFile(source: string): Promise<tfl.LayersModel> {
  const { path, json } = await readModelJson(source, 'loadPretrained');
  const artifacts = await readLayersArtifacts(json, path, (shard) =>
    readWeightShard(path, shard, 'loadPretrained'),
  );
  return modelFromArtifacts(artifacts, path);
}

/**
 * `loadPretrained` for Node: also reads `file://` URLs and plain paths (to `model.json` or its directory)
 * without `@tensorflow/tfjs-node`; `http(s)://` and other sources work as in the main entry.
 *
 * @example
 * const base = await loadPretrained('file://./models/base/model.json');
 */
export async function loadPretrained(
  source: PretrainedSource,
  args: LoadPretrainedArgs = {},
): Promise<tfl.LayersModel> {
  requireBackend('loadPretrained');
  return typeof source === 'string' && isFileSource(source)
    ? loadFromFile(source)
    : loadPretrainedBrowser(source, args);
}

/** Options of {@link savePretrained}. */
export interface SavePretrainedArgs {
  /** Replace a `model.json` that another program wrote there (and the weights it names). Defaults to `false`. */
  overwrite?: boolean;
}

/**
 * Saves a model in tfjs Layers format to a directory (`file://` URL or path): `model.json` and one weights
 * shard, committed crash-safely (other files in the directory are kept), readable by {@link loadPretrained}
 * and `tf.loadLayersModel` with tfjs-node. Works without `@tensorflow/tfjs-node`.
 */
export async function savePretrained(
  model: tfl.LayersModel,
  destination: string,
  args: SavePretrainedArgs = {},
): Promise<tf.io.SaveResult> {
  checkOptions('savePretrained', args, ['overwrite']);
  if (args.overwrite !== undefined) checkBoolean('savePretrained', 'overwrite', args.overwrite);
  if (typeof destination !== 'string' || !isFileSource(destination)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `savePretrained: '${destination}' is not a file:// URL or path; for other destinations use model.save(url).`,
    );
  }
  return model.save(fileSystemHandler(destination, { overwrite: args.overwrite, who: 'savePretrained' }));
}
