import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BetterDLError, requireBackend } from '@betterdl/runtime';
import { writeFileAtomic } from '@betterdl/runtime/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type LoadPretrainedArgs,
  loadPretrained as loadPretrainedBrowser,
  type PretrainedSource,
} from './load-pretrained';
import { modelFromArtifacts, readLayersArtifacts } from './model-artifacts';

/** True for a `file://` URL or a string without a URL scheme (a path). */
function isFileSource(source: PretrainedSource): source is string {
  return (
    typeof source === 'string' && (/^file:\/\//i.test(source) || !/^[a-z][a-z0-9+.-]*:\/\//i.test(source))
  );
}

function toPath(source: string): string {
  return /^file:\/\//i.test(source) ? fileURLToPath(source) : resolve(source);
}

async function loadFromFile(source: string): Promise<tfl.LayersModel> {
  let path = toPath(source);
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new BetterDLError(
      'IO_ERROR',
      `loadPretrained: ${path} does not exist (${err.code}). Pass the model.json written by model.save() or its directory.`,
      { cause: err },
    );
  });
  if (info.isDirectory()) path = join(path, 'model.json');
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new BetterDLError(
      'IO_ERROR',
      `loadPretrained: cannot read ${path} (${err.code}). A saved tfjs Layers model is a directory holding model.json and its .bin shards.`,
      { cause: err },
    );
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BetterDLError(
      'INVALID_DATA',
      `loadPretrained: ${path} is not JSON. Point at the model.json of a tfjs Layers model; a Keras .h5/.keras file must be converted with tensorflowjs_converter first.`,
      { cause: err },
    );
  }
  const dir = dirname(path);
  const artifacts = await readLayersArtifacts(json, path, async (shard) => {
    const shardPath = join(dir, shard);
    try {
      const b = await readFile(shardPath);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    } catch (err) {
      throw new BetterDLError(
        'IO_ERROR',
        `loadPretrained: weights shard '${shard}' named in ${path} is missing (${(err as NodeJS.ErrnoException).code} at ${shardPath}). Copy every .bin file that sits next to model.json.`,
        { cause: err },
      );
    }
  });
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
  return isFileSource(source) ? loadFromFile(source) : loadPretrainedBrowser(source, args);
}

/**
 * Saves a model in tfjs Layers format to a directory (`file://` URL or path): `model.json` and one
 * `weights.bin` shard, written atomically, readable by {@link loadPretrained} and `tf.loadLayersModel` with
 * tfjs-node. Works without `@tensorflow/tfjs-node`.
 */
export async function savePretrained(model: tfl.LayersModel, destination: string): Promise<tf.io.SaveResult> {
  if (!isFileSource(destination)) {
    throw new BetterDLError(
      'INVALID_ARGUMENT',
      `savePretrained: '${destination}' is not a file:// URL or path; for other destinations use model.save(url).`,
    );
  }
  const dir = toPath(destination).replace(/[/\\]model\.json$/, '');
  return model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const parts = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bytes = new Uint8Array(parts.reduce((a, b) => a + b.byteLength, 0));
      let offset = 0;
      for (const p of parts) {
        bytes.set(new Uint8Array(p), offset);
        offset += p.byteLength;
      }
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileAtomic(join(dir, 'weights.bin'), bytes);
      await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson, null, 2)}\n`);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs).length,
          weightDataBytes: bytes.byteLength,
        },
      };
    }),
  );
}
