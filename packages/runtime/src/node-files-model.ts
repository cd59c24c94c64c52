/**
 * A tfjs save/load IO handler for the local file system, without tfjs-node (Node-only). Saves use the commit
 * protocol of `node-files-commit.ts`; loads check every weights shard (present, inside the model's
 * directory, sizes adding up to what `model.json` describes).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BetterDLError } from './errors';
import { toFsPath } from './node-files';
import { cleanFileSet, commitFileSet } from './node-files-commit';

/** The manifest kind of betterdl's tfjs model saves. */
export const MODEL_KIND = 'tfjs-model';

/** Options of {@link fileSystemHandler}. */
export interface FileSystemHandlerArgs {
  /** Replace a `model.json` some other program wrote (and the weights it names). Defaults to `false`. */
  overwrite?: boolean;
  /** Function name used in error messages. Defaults to `'fileSystemHandler'`. */
  who?: string;
}

/** Where a model lives: `dir/model.json` for a directory, or `dir/<name>.json` for a path ending in `.json`. */
export function modelLocation(pathOrUrl: string | URL): { dir: string; manifest: string } {
  const p = toFsPath(pathOrUrl);
  return /\.json$/i.test(p) ? { dir: dirname(p), manifest: basename(p) } : { dir: p, manifest: 'model.json' };
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights described by `specs` take, or `null` when that cannot be known ahead (strings). */
export function weightsByteLength(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const s of specs) {
    const per = BYTES[s.quantization?.dtype ?? s.dtype];
    if (!per) return null;
    total += s.shape.reduce((a, b) => a * b, 1) * per;
  }
  return total;
}

/**
 * Reads and parses a `model.json` given as a `file://` URL or path (to the file or its directory). Throws an
 * `IO_ERROR` naming the path when it is missing, `INVALID_DATA` when it is not JSON.
 */
export async function readModelJson(
  pathOrUrl: string | URL,
  who: string,
): Promise<{ path: string; dir: string; json: unknown }> {
  let path = toFsPath(pathOrUrl);
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: ${path} does not exist (${err.code}). Pass the model.json written by model.save() or its directory.`,
      { cause: err },
    );
  });
  if (info.isDirectory()) path = join(path, 'model.json');
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: cannot read ${path} (${err.code}). A saved tfjs Layers model is a directory holding model.json and its .bin shards.`,
      { cause: err },
    );
  });
  try {
    return { path, dir: dirname(path), json: JSON.parse(text) };
  } catch (err) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${who}: ${path} is not JSON. Point at the model.json of a tfjs Layers model; a Keras .h5/.keras file must be converted with tensorflowjs_converter first.`,
      { cause: err },
    );
  }
}

/** Reads weights shard `shard` named in `manifestPath`; it must be a relative path inside the model's directory. */
export async function readWeightShard(
  manifestPath: string,
  shard: string,
  who: string,
): Promise<ArrayBuffer> {
  const dir = dirname(manifestPath);
  const shardPath = resolve(dir, shard);
  const rel = relative(dir, shardPath);
  if (typeof shard !== 'string' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new BetterDLError(
      'INVALID_DATA',
      `${who}: ${manifestPath} names the weights shard '${String(shard)}', which is outside its directory. ` +
        'Shard paths must be relative names next to model.json.',
    );
  }
  try {
    const b = await readFile(shardPath);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  } catch (err) {
    throw new BetterDLError(
      'IO_ERROR',
      `${who}: weights shard '${shard}' named in ${manifestPath} is missing (${(err as NodeJS.ErrnoException).code} at ${shardPath}). Copy every .bin file that sits next to model.json.`,
      { cause: err },
    );
  }
}

function joinWeightData(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buf = Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data;
  return new Uint8Array(buf);
}

/**
 * A tfjs IO handler for a model on disk, without tfjs-node. `save` writes `model.json` (or the `.json` file
 * named) and one weights shard with a unique name, by the crash-safe commit protocol: other files in the
 * directory are kept, an existing regular file at the path is an error, a foreign `model.json` is an error
 * unless `overwrite`. `tf.loadLayersModel('file://…/model.json')` with tfjs-node reads what it writes.
 * `load` reads any tfjs Layers model directory, checking its shards.
 */
export function fileSystemHandler(
  pathOrUrl: string | URL,
  args: FileSystemHandlerArgs = {},
): tf.io.IOHandler {
  const who = args.who ?? 'fileSystemHandler';
  const { dir, manifest } = modelLocation(pathOrUrl);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new BetterDLError('UNSUPPORTED', `${who}: binary model topologies are not supported.`);
      }
      const weights = joinWeightData(artifacts.weightData);
      await commitFileSet({
        dir,
        manifest,
        kind: MODEL_KIND,
        who,
        overwrite: args.overwrite,
        blobs: [{ label: 'weights', data: weights }],
        render: (names) => {
          const json: Record<string, unknown> = {
            ...(artifacts.modelTopology ? { modelTopology: artifacts.modelTopology } : {}),
            format: artifacts.format ?? 'layers-model',
            generatedBy: artifacts.generatedBy,
            convertedBy: artifacts.convertedBy ?? null,
            weightsManifest: [{ paths: names, weights: artifacts.weightSpecs ?? [] }],
          };
          if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
          if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
          return json;
        },
      });
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
      const { path, json } = await readModelJson(join(dir, manifest), who);
      const mj = json as Partial<tf.io.ModelJSON>;
      if (json === null || typeof json !== 'object' || !Array.isArray(mj.weightsManifest)) {
        throw new BetterDLError(
          'INVALID_DATA',
          `${who}: ${path} is not a tfjs model.json (it has no weightsManifest). Pass the directory a save wrote, or its model.json.`,
        );
      }
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of mj.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(await readWeightShard(path, p, who));
      }
      const total = buffers.reduce((a, b) => a + b.byteLength, 0);
      const expected = weightsByteLength(specs);
      if (expected !== null && expected !== total) {
        throw new BetterDLError(
          'INVALID_DATA',
          `${who}: the weights shards of ${path} hold ${total} bytes but model.json describes ${expected}: a shard is truncated, corrupt or from another model.`,
        );
      }
      const weightData = new Uint8Array(total);
      let off = 0;
      for (const b of buffers) {
        weightData.set(new Uint8Array(b), off);
        off += b.byteLength;
      }
      const kind = (json as { betterdl?: { kind?: unknown } }).betterdl?.kind;
      if (kind === MODEL_KIND) await cleanFileSet(dir, manifest).catch(() => {});
      return {
        modelTopology: mj.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer,
        format: mj.format,
        generatedBy: mj.generatedBy,
        convertedBy: mj.convertedBy,
        trainingConfig: mj.trainingConfig,
        userDefinedMetadata: mj.userDefinedMetadata,
      };
    },
  };
}
